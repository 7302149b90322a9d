/** Flow actions of issue 15: the public pages' link under "Información sobre la rendición de cuentas". */
import type { ActionDefinition } from "./action-definition.ts";
import { publicLinkLine } from "../transparency/links.ts";

export const publicSiteActions: Record<string, ActionDefinition> = {
  "info.public_site": {
    results: ["ok"],
    // A blank line before it: the text puts it between two paragraphs.
    run: ({ app, citizen }) => ({
      result: "ok",
      data: { publicSiteLine: publicLinkLine(app, citizen.locale, "site", "/").replace(/^\n/, "\n\n") },
    }),
  },
};
