/**
 * A cookie-keeping client over fastify.inject() for back-office route tests: it follows what a
 * browser does (cookies, the CSRF field of the page's forms, form-encoded bodies).
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";

export interface WebClient {
  cookies: Map<string, string>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Posts a form; `_csrf` is taken from the last page fetched unless given. */
  /** Posts a form; a list value is sent as the same field repeated (checkboxes). */
  post(
    url: string,
    fields: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** The CSRF token of the last page fetched. */
  csrf(): string;
  /** A hidden form field (e.g. `_idem`) in the last page, in the form posting to `action`. */
  field(action: string, name: string): string;
  lastHtml: string;
}

export function createWebClient(server: FastifyInstance): WebClient {
  const cookies = new Map<string, string>();
  const remember = (response: LightMyRequestResponse) => {
    for (const c of response.cookies) {
      if (c.value === "" || (c.expires && c.expires.getTime() < Date.now())) cookies.delete(c.name);
      else cookies.set(c.name, c.value);
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const client: WebClient = {
    cookies,
    lastHtml: "",
    async get(url, headers = {}) {
      const response = await server.inject({ method: "GET", url, headers: { cookie: cookieHeader(), ...headers } });
      remember(response);
      if (response.headers["content-type"]?.toString().startsWith("text/html")) client.lastHtml = response.body;
      return response;
    },
    async post(url, fields, headers = {}) {
      const params = new URLSearchParams({ _csrf: typeof fields._csrf === "string" ? fields._csrf : client.csrf() });
      for (const [name, value] of Object.entries(fields))
        if (name !== "_csrf") for (const item of [value].flat()) params.append(name, item);
      const body = params.toString();
      const response = await server.inject({
        method: "POST",
        url,
        payload: body,
        headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded", ...headers },
      });
      remember(response);
      // An htmx fragment does not replace the page the client is on.
      if (!headers["hx-request"] && response.headers["content-type"]?.toString().startsWith("text/html"))
        client.lastHtml = response.body;
      return response;
    },
    csrf() {
      const match = /name="_csrf" value="([^"]+)"/.exec(client.lastHtml);
      if (!match) throw new Error("no CSRF field on the last page");
      return match[1]!;
    },
    field(action, name) {
      const form = client.lastHtml.split("<form").find((f) => f.includes(`action="${action}"`));
      const match = form && new RegExp(`name="${name}" value="([^"]*)"`).exec(form);
      if (!match) throw new Error(`no field ${name} in the form posting to ${action}`);
      return match[1]!;
    },
  };
  return client;
}
