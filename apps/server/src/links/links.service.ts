import { Injectable } from '@nestjs/common';
import { buildPeerdexLink, type Manifest, MANIFEST_VERSION, PIECE_SIZE, serverUrlProblem } from '#contracts';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { SearchService } from '../search/search.service.js';
import { type LandingPage, fileNotFoundPage, landingPage } from './landing-page.js';

/** How a request reached this server, for the public URL when PUBLIC_URL is not set. */
export interface RequestOrigin {
  protocol: string;
  host: string | undefined;
}

/** The manifest and the landing page of a file: what a link outside the directory points at. */
@Injectable()
export class LinksService {
  constructor(
    private readonly search: SearchService,
    private readonly config: AppConfig,
  ) {}

  async manifest(sha256: string, origin: RequestOrigin): Promise<Manifest> {
    return (await this.describe(sha256, origin)).manifest;
  }

  /** The page, or a page saying no online peer has the file (404): a shared link outlives its sources. */
  async landingPage(sha256: string, origin: RequestOrigin): Promise<LandingPage> {
    try {
      const { manifest, sourceCount } = await this.describe(sha256, origin);
      return landingPage({ manifest, link: buildPeerdexLink(manifest), sourceCount, manifestPath: manifestPath(sha256) });
    } catch (error) {
      if (error instanceof NotFoundError) return fileNotFoundPage(sha256);
      throw error;
    }
  }

  private async describe(sha256: string, origin: RequestOrigin): Promise<{ manifest: Manifest; sourceCount: number }> {
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

  private publicUrl(origin: RequestOrigin): string {
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
