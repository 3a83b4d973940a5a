// Order statuses, payment states and roles in the current language, for every screen.

import type { OrderStatus } from "../gen/OrderStatus";
import type { PaymentStatus } from "../gen/PaymentStatus";
import type { Role } from "../gen/Role";
import { t } from "./index.svelte";

const STATUS: Record<OrderStatus, string> = {
  new: "common.status.new",
  held: "common.status.held",
  released: "common.status.released",
  allocated: "common.status.allocated",
  picking: "common.status.picking",
  picked: "common.status.picked",
  packed: "common.status.packed",
  shipped: "common.status.shipped",
  cancelled: "common.status.cancelled",
};

const PAYMENT: Record<PaymentStatus, string> = {
  paid: "common.payment.paid",
  pending: "common.payment.pending",
  authorized: "common.payment.authorized",
  partially_paid: "common.payment.partiallyPaid",
  refunded: "common.payment.refunded",
  partially_refunded: "common.payment.partiallyRefunded",
  failed: "common.payment.failed",
  voided: "common.payment.voided",
  declined: "common.payment.declined",
};

const ROLE: Record<Role, string> = {
  picker: "common.role.picker",
  packer: "common.role.packer",
  manager: "common.role.manager",
};

/** An order status as a word: `picked` → "Picked" / "Recogido". */
export function statusWord(status: OrderStatus): string {
  return t(STATUS[status]);
}

export function paymentWord(payment: PaymentStatus): string {
  return t(PAYMENT[payment]);
}

/** A role as a word; a role this UI does not know is shown as it is. */
export function roleWord(role: Role | string): string {
  const key = ROLE[role as Role] as string | undefined;
  return key ? t(key) : role;
}

/** `3 units`, `1 pedido`: a count with its noun, for `common.units`, `common.orders`, `common.lists`. */
export function counted(n: number, noun: "units" | "orders" | "lists"): string {
  return t(`common.${noun}`, { count: n });
}
