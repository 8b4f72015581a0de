// What the all-layer scenario's phases share: service ids by name and the kernel's error codes.
import { ERROR_CODES } from "../../../host/kernel/error-codes.ts";

export interface Ids { [service: string]: number }

export const code = (name: keyof typeof ERROR_CODES): number => ERROR_CODES[name].code;
