// status.ts — the engine's status codes (tierbench.h) and the Error that carries one: every
// failed C call becomes a TbError with its status and tb_last_error()'s message.

export const Status = {
  OK: 0,
  MORE: 1,
  ERR_ARG: -1,
  ERR_STATE: -2,
  ERR_IO: -3,
  ERR_MODEL: -4,
  ERR_NOMEM: -5,
  ERR_UNAVAILABLE: -6,
  ERR_CANCELLED: -7,
  ERR_INJECTED: -8,
  ERR_TRACE: -9,
} as const;

export type StatusName = keyof typeof Status;

export function statusName(code: number): string {
  for (const [name, value] of Object.entries(Status)) if (value === code) return `TB_${name}`;
  return `status ${code}`;
}

export class TbError extends Error {
  /** `status`: the negative TB_ERR_* code; `call`: the C function that returned it. */
  constructor(
    readonly status: number,
    readonly call: string,
    detail: string,
  ) {
    const text = detail || statusName(status);
    super(`${text.startsWith(call) ? text : `${call}: ${text}`} (${statusName(status)})`);
    this.name = "TbError";
  }
}
