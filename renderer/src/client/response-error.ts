/**
 * A failed fetch as the WukongError it stands for, for both front ends' HTTP-shaped replies: the web
 * server's API and Electron's app://wukong document files both answer `{error: ErrorInfo}`. A reply
 * without one (a proxy, a protocol handler's bare 404) still gets the code its status means, so the
 * page says "not found" rather than "something went wrong".
 */
import { WukongError, isErrorInfo, type ErrorCode } from '../../../core/errors.js';

const CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'BAD_REQUEST',
  403: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'BAD_REQUEST',
  413: 'TOO_LARGE',
  415: 'NOT_PDF',
  501: 'NOT_IMPLEMENTED',
  507: 'DISK_FULL',
};

export function codeForStatus(status: number): ErrorCode {
  return CODES[status] ?? 'INTERNAL';
}

export async function responseError(res: Response): Promise<WukongError> {
  const body: unknown = await res.json().catch(() => null);
  const info = (body as { error?: unknown } | null)?.error;
  if (isErrorInfo(info)) return new WukongError(info.code, info.message, info.detail);
  return new WukongError(codeForStatus(res.status), undefined, `HTTP ${res.status}`);
}
