const NONE: readonly string[] = Object.freeze([]);

/**
 * Who waits on whom (rule 8): for each job id, the ids of the jobs that name
 * it in `dependsOn`. Ids rather than references, so a deleted job is simply
 * not found.
 */
export class DependencyGraph {
  private readonly dependents = new Map<string, Set<string>>();

  /** Records that `jobId` depends on each of `dependencyIds`. */
  link(jobId: string, dependencyIds: readonly string[]): void {
    for (const dependencyId of dependencyIds) {
      let set = this.dependents.get(dependencyId);
      if (set === undefined) {
        set = new Set();
        this.dependents.set(dependencyId, set);
      }
      set.add(jobId);
    }
  }

  /** The ids of the jobs that depend on `jobId`. */
  dependentsOf(jobId: string): readonly string[] {
    const set = this.dependents.get(jobId);
    return set === undefined ? NONE : [...set];
  }

  /** Forgets a deleted job: as a dependent of its dependencies, and its own dependents list. */
  unlink(jobId: string, dependencyIds: readonly string[]): void {
    for (const dependencyId of dependencyIds) {
      const set = this.dependents.get(dependencyId);
      if (set === undefined) continue;
      set.delete(jobId);
      if (set.size === 0) this.dependents.delete(dependencyId);
    }
    this.dependents.delete(jobId);
  }
}
