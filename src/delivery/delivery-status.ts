/**
 * What staff read about one message on a question's timeline (issue 17): its state in plain
 * words ("Entregado", "Leído"), the template it went out as, and why it failed. Pure: it names
 * locale keys (whatsapp-cloud.json in each locale) for the back-office to render.
 */
import type { QuestionDelivery } from "../db/repositories/outbox.ts";

export interface DeliveryLine {
  key: string;
  vars: Record<string, string>;
}

/** Codes with their own explanation in locales; others get the generic one with the code. */
const EXPLAINED_CODES = new Set([
  "131026",
  "131047",
  "131049",
  "131050",
  "131051",
  "131052",
  "131053",
  "132000",
  "132001",
  "132015",
  "132016",
]);

export function describeDelivery(
  delivery: Pick<QuestionDelivery, "status" | "deliveryStatus" | "deliveryError" | "template" | "lastError">,
): DeliveryLine[] {
  const lines: DeliveryLine[] = [];
  const state =
    delivery.deliveryStatus ??
    (delivery.status === "sent" ? "sent" : delivery.status === "pending" ? "pending" : delivery.status);
  lines.push({ key: `whatsapp_cloud.delivery.${state}`, vars: {} });
  if (delivery.template)
    lines.push({ key: "whatsapp_cloud.delivery.template", vars: { templateName: delivery.template } });
  const code =
    delivery.deliveryStatus === "failed"
      ? delivery.deliveryError
      : delivery.status === "failed" || delivery.status === "unreachable"
        ? /whatsapp (\d+)/.exec(delivery.lastError ?? "")?.[1]
        : undefined;
  if (code)
    lines.push(
      EXPLAINED_CODES.has(code)
        ? { key: `whatsapp_cloud.delivery.error.${code}`, vars: {} }
        : { key: "whatsapp_cloud.delivery.error.other", vars: { code } },
    );
  return lines;
}
