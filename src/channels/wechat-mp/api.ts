/**
 * The 公众号 server API (WECHAT_API_ROOT): the access_token, cached and refreshed (once more on
 * errcode 40001/42001/40014, a token that expired or was replaced early), 客服消息 (custom send),
 * the custom menu and media downloads. An errcode other than 0 is thrown as an `ApiError`.
 */

export class ApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`微信接口返回错误 ${errcode}：${errmsg}`);
  }
}

/** The token is fetched again this long before WeChat says it expires. */
const MARGIN_MS = 300_000;
const STALE_TOKEN = new Set([40001, 40014, 42001]);
const TIMEOUT_MS = 10_000;

export interface ApiOptions {
  root: string;
  appId: string;
  secret: string;
  /** Time for the token's expiry (tests move it). */
  now?: () => number;
}

export class WechatApi {
  private token?: { value: string; until: number };
  private fetching?: Promise<string>;

  constructor(private readonly opts: ApiOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The access_token: the cached one while it is valid, else a new one (one request at a time). */
  async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    this.fetching ??= (async () => {
      const { root, appId, secret } = this.opts;
      const url = `${root}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(appId)}&secret=${encodeURIComponent(secret)}`;
      const body = await this.json(await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) }));
      if (typeof body.access_token !== 'string') throw new ApiError(Number(body.errcode ?? -1), String(body.errmsg ?? 'no access_token'));
      const seconds = Number(body.expires_in ?? 7200);
      this.token = { value: body.access_token, until: this.now() + seconds * 1000 - MARGIN_MS };
      return body.access_token;
    })().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  /** POSTs JSON to a `/cgi-bin/…` path with the token; a stale token is replaced and the call made once more. */
  async post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const res = await fetch(`${this.opts.root}${path}?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await this.json(res);
      const code = Number(body.errcode ?? 0);
      if (code === 0) return body;
      if (STALE_TOKEN.has(code) && attempt === 0) {
        this.token = undefined;
        continue;
      }
      throw new ApiError(code, String(body.errmsg ?? ''));
    }
  }

  /** 客服消息: a text to a worker (openid), inside the window WeChat allows. */
  async sendText(openid: string, content: string): Promise<void> {
    await this.post('/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
  }

  /** Installs the custom menu (replacing the one there). */
  async createMenu(menu: unknown): Promise<void> {
    await this.post('/cgi-bin/menu/create', menu);
  }

  /** A temporary media file's bytes (an image or video a worker sent). */
  async media(mediaId: string): Promise<Buffer> {
    const token = await this.accessToken();
    const res = await fetch(`${this.opts.root}/cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`media download failed: ${res.status}`);
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      const body = (await res.json()) as Record<string, unknown>;
      throw new ApiError(Number(body.errcode ?? -1), String(body.errmsg ?? ''));
    }
    return Buffer.from(await res.arrayBuffer());
  }

  private async json(res: Response): Promise<Record<string, unknown>> {
    if (!res.ok) throw new Error(`微信接口 HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }
}
