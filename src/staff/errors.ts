/** A staff command that cannot be done as asked (unknown record, bad status): nothing was changed. */
export class StaffError extends Error {}
