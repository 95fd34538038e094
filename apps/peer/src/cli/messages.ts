/**
 * Messages from the server and the system, put in the words of the command line: the server names
 * fields as its API does (`q`, `minSize`), the user typed words and options.
 */
const FIELD_NAMES: Record<string, string> = {
  q: 'search words',
  ext: '--ext',
  type: '--type',
  minSize: '--min-size',
  maxSize: '--max-size',
  limit: '--limit',
  reason: '--reason',
  username: 'username',
  password: 'password',
  newPassword: 'new password',
  currentPassword: 'current password',
  name: 'name',
};

/** "q: needs at least one word" → "search words: needs at least one word" */
export function inCliTerms(message: string): string {
  return message
    .split('; ')
    .map((part) => part.replace(/^([A-Za-z]+): /, (whole, field: string) => (FIELD_NAMES[field] ? `${FIELD_NAMES[field]}: ` : whole)))
    .join('; ');
}

const BAN = /^Account banned (?:until (\S+)|permanently): ([\s\S]*)$/;

/**
 * The server's ban message ("Account banned until 2030-01-02T03:04:00.000Z: spam", from login,
 * refresh, any request, or the end of a peer session) for a person: whose account, why, and until
 * when in their local time. Undefined when the message is not about a ban.
 */
export function describeBan(message: string, username: string | undefined): string | undefined {
  const ban = BAN.exec(message);
  if (!ban) return undefined;
  const account = username ? `the account ${username}` : 'this account';
  return `${account} is banned ${ban[1] ? `until ${formatLocalTime(new Date(ban[1]))}` : 'permanently'}: ${ban[2]}`;
}

/** "2030-01-02 12:04 (GMT+9)": the machine's local time, with its zone so nobody has to guess. */
export function formatLocalTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'an unknown time';
  const two = (value: number) => String(value).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}${zone ? ` (${zone})` : ''}`;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was cut',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'it did not answer in time',
  UND_ERR_CONNECT_TIMEOUT: 'it did not answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** ECONNREFUSED and friends, in words. */
export function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'TimeoutError') return NETWORK_ERRORS.ETIMEDOUT!;
  return (code && NETWORK_ERRORS[code]) ?? error.message;
}

/**
 * A downloader's reason for people: the sources' session ids become their usernames, and system
 * error codes become words ("3f2a…: connection failed: ECONNREFUSED" → "carol: connection failed:
 * the connection was refused").
 */
export function describeReason(reason: string, sources: ReadonlyArray<{ sessionId: string; username: string }>): string {
  let text = reason;
  for (const { sessionId, username } of sources) text = text.split(sessionId).join(username);
  return text.replace(/\b(E[A-Z]+|UND_ERR_[A-Z_]+)\b/g, (code) => NETWORK_ERRORS[code] ?? code);
}
