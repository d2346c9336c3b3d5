import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Particle-style failure: the status code plus the JSON body the real API answers with. */
export class CloudHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description);
  }

  body(): Record<string, unknown> {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON or form-urlencoded body into flat string fields (particle-cli sends forms, particle-api-js JSON). */
export async function readFields(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new CloudHttpError(413, 'invalid_request', 'The request body is too large.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return jsonFields(text);
  if (type === 'application/x-www-form-urlencoded' || type === '') return Object.fromEntries(new URLSearchParams(text));
  throw new CloudHttpError(400, 'invalid_request', `Unsupported content type ${type}.`);
}

function jsonFields(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CloudHttpError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CloudHttpError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
  }
  return fields;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The credentials of an `Authorization: Basic` header, or null. */
export function basicCredentials(req: IncomingMessage): { user: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The access token of a request: `Authorization: Bearer` or the `access_token` query parameter, as Particle accepts. */
export function bearerToken(req: IncomingMessage, url: URL): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (match) return match[1];
  return url.searchParams.get('access_token');
}

/**
 * The virtual cloud answers only when addressed by a loopback name with its own port, like the rescue
 * host: a page on another name that rebinds to 127.0.0.1 (DNS rebinding) gets 421 and no data.
 */
export function checkHost(req: IncomingMessage, port: number): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    throw new CloudHttpError(421, 'misdirected_request', 'The virtual cloud answers only at 127.0.0.1 or localhost with its own port.');
  }
}
