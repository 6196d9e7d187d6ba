namespace Coaching.Storage.Mongo;

/// <summary>The index changes that bring one collection to the plan: names to drop, then indexes to build.</summary>
public sealed record IndexChanges(IReadOnlyList<string> Drop, IReadOnlyList<PlannedIndex> Create);
