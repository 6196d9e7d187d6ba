using MongoDB.Bson;

namespace Coaching.Storage.Mongo;

/// <summary>One index as the server receives it.</summary>
public sealed record PlannedIndex(string Name, BsonDocument Keys, bool Unique, BsonDocument? PartialFilter);
