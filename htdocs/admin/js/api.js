// The admin API from the page: same-origin cookies, the CSRF token on
// every state change, JSON both ways, errors as ApiError with the
// server's field messages.

let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.fields = (body && body.fields) || {};
    this.body = body || {};
  }
}

export function setCsrf(token) { csrf = token; }

// body: an object sent as JSON, or text or a Blob/File (its bytes as
// they are: CSV imports) sent as type.
export async function api(method, path, body, type = 'application/json') {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf || '';
  if (body !== undefined) headers['Content-Type'] = type;
  let res;
  try {
    // Relative to the page (…/admin/): kfroute may live under a sub-path.
    res = await fetch(`api/${path}`, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined || typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: '网络错误,请检查连接后重试' });
  }
  let data = null;
  try { data = await res.json(); } catch { /* not JSON: reported below */ }
  if (!res.ok || !data || data.success !== true) {
    const err = new ApiError(res.status, data || { message: `服务器返回 ${res.status}` });
    if (res.status === 401 && path !== 'login') window.dispatchEvent(new CustomEvent('kf-logged-out'));
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);
