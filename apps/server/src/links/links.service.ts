import { Injectable, type OnModuleInit } from '@nestjs/common';
import { buildPeerdexLink, type Manifest, MANIFEST_VERSION, PIECE_SIZE, serverUrlProblem } from '#contracts';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { SearchService } from '../search/search.service.js';
import { type LandingPage, fileNotFoundPage, landingPage } from './landing-page.js';

/** Who asks, and how the request reached this server (for the public URL when PUBLIC_URL is not set). */
export interface LinkRequest {
  protocol: string;
  host: string | undefined;
  /** the client's address (behind TRUST_PROXY, from X-Forwarded-For): the public routes' limit counts per address */
  address: string;
}

const LINK_LIMIT = 'links';

/** The manifest and the landing page of a file: what a link outside the directory points at. */
@Injectable()
export class LinksService implements OnModuleInit {
  constructor(
    private readonly search: SearchService,
    private readonly config: AppConfig,
    private readonly limits: RateLimitService,
  ) {}

  onModuleInit(): void {
    // Public routes that read the database: without an account to count, count per address.
    this.limits.define(LINK_LIMIT, { points: this.config.linkRateLimitPerMinute, windowMs: 60_000, what: 'Too many manifests and pages' });
  }

  async manifest(sha256: string, origin: LinkRequest): Promise<Manifest> {
    return (await this.describe(sha256, origin)).manifest;
  }

  /** The page, or a page saying no online peer has the file (404): a shared link outlives its sources. */
  async landingPage(sha256: string, origin: LinkRequest): Promise<LandingPage> {
    try {
      const { manifest, sourceCount } = await this.describe(sha256, origin);
      return landingPage({ manifest, link: buildPeerdexLink(manifest), sourceCount, manifestPath: manifestPath(sha256) });
    } catch (error) {
      if (error instanceof NotFoundError) return fileNotFoundPage(sha256);
      throw error;
    }
  }

  private async describe(sha256: string, origin: LinkRequest): Promise<{ manifest: Manifest; sourceCount: number }> {
    await this.limits.consume(LINK_LIMIT, origin.address);
    const file = await this.search.describe(sha256);
    const manifest: Manifest = {
      version: MANIFEST_VERSION,
      // The names are sorted: every node and every request picks the same one.
      name: file.names[0]!,
      size: file.size,
      sha256,
      pieceSize: PIECE_SIZE,
      pieceRoot: file.pieceRoot,
      server: this.publicUrl(origin),
    };
    return { manifest, sourceCount: file.sourceCount };
  }

  private publicUrl(origin: LinkRequest): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const url = `${origin.protocol}://${origin.host ?? ''}`;
    const problem = serverUrlProblem(url);
    if (problem) throw new InvalidInputError([{ field: 'Host', message: `must name this server's host and port (${problem})` }]);
    return new URL(url).origin;
  }
}

export function manifestPath(sha256: string): string {
  return `/api/v1/files/${sha256}/manifest`;
}
