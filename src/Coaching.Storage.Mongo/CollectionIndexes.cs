
namespace Coaching.Storage.Mongo;

/// <summary>The indexes of one collection and the document classes stored in it (the shared one holds two kinds).</summary>
public sealed record CollectionIndexes(string Collection, IReadOnlyList<Type> Documents, IReadOnlyList<PlannedIndex> Indexes);
