/** What every route module gets from the server: the services, the page context and the server's settings. */
import type { FileReaders } from "../services/backoffice/attachment-file.ts";
import type { AppContext } from "../services/context.ts";
import type { PageContext } from "./render.ts";

export interface WebDeps extends PageContext {
  app: AppContext;
  baseUrl: string;
  secureCookies: boolean;
  onEffects: () => void;
  /** The channels whose kept files (citizens' photos and documents) this server can read back. */
  fileReaders: FileReaders;
}
