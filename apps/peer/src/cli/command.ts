import type { CliContext } from './context.js';

// Commander hands actions their arguments untyped; each action declares what it expects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Action = (context: CliContext, ...args: any[]) => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Run = (action: Action) => (...args: any[]) => Promise<void>;
