/** Prints a line of a command's own output (progress bars go through the solver). */
export type Log = (line: string) => void;

export const consoleLog: Log = (line) => console.log(line);
