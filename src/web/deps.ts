/** What every route module gets from the server: the services, the page context and the server's settings. */
import type { AppContext } from "../services/context.ts";
import type { PageContext } from "./render.ts";

export interface WebDeps extends PageContext {
  app: AppContext;
  baseUrl: string;
  secureCookies: boolean;
  onEffects: () => void;
}
