/**
 * The peer's transfer engine, as a library for the `peerdex` CLI/daemon: what is shared (scan,
 * hash, cache, catalogue), the peer HTTP endpoint (tickets, ranges, slots, push), and the
 * multi-source downloader.
 */
export { ShareLibrary, type ShareLibraryOptions, type ScanReport, type FileRefresh } from './shares/share-library.js';
export { ShareCatalogue, type CatalogueEntry } from './shares/catalogue.js';
export { hashFile, type FileHashes, FileChangedWhileHashingError } from './shares/hash-file.js';
export { scanFolders, publishedFolderNames, type FoundFile, type SkippedFile } from './shares/scan-folders.js';
export { pieceRootOf } from './shares/piece-hashes.js';
export { PeerServer, type PeerServerOptions } from './http/peer-server.js';
export { TicketVerifier, TicketRefusedError, type TicketKeySource, type TicketVerifierOptions } from './http/ticket-verifier.js';
export { PushReceiver, type ExpectedPush } from './http/push-receiver.js';
export { pushFile, InvalidPushRequestError, type PushRequest, type PushResult, type PushContext } from './http/push-upload.js';
export type { UploadRecord } from './http/serve-file.js';
export { downloadFile, type DownloadOptions } from './transfer/downloader.js';
export type { RenewTicket, TicketGrant } from './transfer/ticket-renewal.js';
export {
  InvalidDownloadRequestError,
  type DownloadRequest,
  type DownloadSource,
  type DownloadOutcome,
  type DownloadProgress,
} from './transfer/download-request.js';
export { RateLimiter } from './util/rate-limiter.js';
