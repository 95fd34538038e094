import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { compilePattern, foldName, type NameTest } from './blocklist-pattern.js';

interface BlockRules {
  hashes: Map<string, string>;
  patterns: Array<{ test: NameTest; reason: string }>;
  loadedAt: number;
}

/**
 * Answers "may this file be published?" from the blocklist. The rules are read at most once per
 * RULES_TTL_MS per node, so publishing 5,000 entries costs no extra query; a new entry also purges
 * what is already indexed, so a node that still holds the previous rules for a moment is caught up
 * by that purge and by the check when a full re-sync becomes live.
 */
const RULES_TTL_MS = 2_000;

@Injectable()
export class BlocklistService {
  private rules: Promise<BlockRules> | undefined;

  constructor(private readonly prisma: PrismaService) {}

  /** A check for a batch of files: the reason a file is blocked, or undefined. */
  async checker(): Promise<(sha256: string, name: string) => string | undefined> {
    const rules = await this.currentRules();
    return (sha256, name) => {
      const byHash = rules.hashes.get(sha256);
      if (byHash !== undefined || rules.patterns.length === 0) return byHash;
      const folded = foldName(name);
      return rules.patterns.find((pattern) => pattern.test(folded))?.reason;
    };
  }

  /** Drops the cached rules on this node (after an entry is added or removed here). */
  invalidate(): void {
    this.rules = undefined;
  }

  private currentRules(): Promise<BlockRules> {
    const cached = this.rules;
    if (cached) {
      return cached.then((rules) => (Date.now() - rules.loadedAt < RULES_TTL_MS ? rules : this.reload()));
    }
    return this.reload();
  }

  private reload(): Promise<BlockRules> {
    this.rules = this.prisma.blocklistEntry.findMany({ select: { sha256: true, pattern: true, reason: true } }).then((entries) => ({
      hashes: new Map(entries.filter((entry) => entry.sha256).map((entry) => [entry.sha256!, entry.reason])),
      patterns: entries.filter((entry) => entry.pattern).map((entry) => ({ test: compilePattern(entry.pattern!), reason: entry.reason })),
      loadedAt: Date.now(),
    }));
    this.rules.catch(() => (this.rules = undefined));
    return this.rules;
  }
}
