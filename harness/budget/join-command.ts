// A command prefix that starts a process inside a cgroup: /bin/sh writes its own pid into the
// cgroup's procs file, then execs the command under the same pid — so everything the process
// does, the runtime's own start-up included, is charged to the run's budget.

/** Exit status of the wrapper when the pid cannot be written (the shell prints why). */
export const JOIN_FAILED_EXIT = 125;

export function joinCgroupCommand(procsFile: string, command: readonly string[]): string[] {
  if (command.length === 0) throw new Error("joinCgroupCommand: the command is empty");
  return ["/bin/sh", "-c", `echo $$ > "$0" || exit ${JOIN_FAILED_EXIT}; exec "$@"`, procsFile, ...command];
}
