// Where a command writes: the terminal in `myco`, a buffer in the in-process tests.
export type Output = { out: (line: string) => void; err: (line: string) => void };
