using System.Collections;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>
/// MongoDB's rules for index definitions, checked without a server against every index the store creates
/// (<see cref="IndexPlan"/>), judged from the class maps of the documents stored in each collection.
/// </summary>
public class IndexRulesTests
{
    static IndexRulesTests() => MongoMappings.Register();

    public static TheoryData<string, string> Indexes()
    {
        var data = new TheoryData<string, string>();
        foreach (var collection in IndexPlan.All)
        {
            foreach (var index in collection.Indexes)
            {
                data.Add(collection.Collection, index.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void CompoundIndex_HasAtMostOneArrayValuedPath_ForEveryDocumentKindItCovers(string collection, string name)
    {
        var (documents, index) = Find(collection, name);

        foreach (var document in Covered(documents, index))
        {
            var arrays = index.Keys.Names.Where(path => PathKind(document, path) == Kind.Array).ToList();
            Assert.True(arrays.Count <= 1, $"{collection}.{name} indexes {arrays.Count} array paths of {document.Name} ({string.Join(", ", arrays)}): 'cannot index parallel arrays'");
        }
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void EveryKeyPath_NamesAMappedField(string collection, string name)
    {
        var (documents, index) = Find(collection, name);

        foreach (var path in index.Keys.Names)
        {
            Assert.True(Covered(documents, index).Any(d => PathKind(d, path) != Kind.Missing), $"{collection}.{name}: no stored document has '{path}'");
        }
    }

    [Fact]
    public void UniqueIndexesOnSharedCollections_AreLimitedToTheDocumentsTheyAreMeantFor()
    {
        var bookings = IndexPlan.All.Single(c => c.Collection == Bookings.BookingDocument.Collection);
        var requestKeys = bookings.Indexes.Where(i => i.Unique && i.Keys.Names.Any(n => n.EndsWith("request_id", StringComparison.Ordinal))).ToList();

        // A booking's and a cohort's idempotency keys live under different names with their own unique index, so one
        // caller's request id used for both kinds cannot collide.
        Assert.Equal(2, requestKeys.Count);
        Assert.Equal(2, requestKeys.Select(i => i.Keys.Names.Last()).Distinct().Count());
        Assert.All(requestKeys, i => Assert.NotNull(i.PartialFilter));
    }

    [Fact]
    public void Checker_FlagsTheParallelArrayIndexAServerRejects()
    {
        // The index the cohort collection once had: both coach_ids and sessions are arrays in every cohort (code 171).
        var rejected = BsonDocument.Parse("{ coach_ids: 1, 'sessions.start': 1 }");

        Assert.Equal(2, rejected.Names.Count(path => PathKind(typeof(Courses.CohortDocument), path) == Kind.Array));
        Assert.Equal(Kind.Scalar, PathKind(typeof(Bookings.BookingDocument), "coach_id"));
        Assert.Equal(Kind.Missing, PathKind(typeof(Bookings.BookingDocument), "coach_ids"));
    }

    private enum Kind
    {
        Missing,
        Scalar,
        Array,
    }

    private static (IReadOnlyList<Type> Documents, PlannedIndex Index) Find(string collection, string name)
    {
        var set = IndexPlan.All.Single(c => c.Collection == collection);
        return (set.Documents, set.Indexes.Single(i => i.Name == name));
    }

    /// <summary>Document kinds the index can hold: a partial filter on the kind element admits only classes that map it.</summary>
    private static IEnumerable<Type> Covered(IReadOnlyList<Type> documents, PlannedIndex index) =>
        index.PartialFilter is { } partial && partial.Contains(Courses.CohortDocument.KindElement)
            ? documents.Where(d => PathKind(d, Courses.CohortDocument.KindElement) != Kind.Missing)
            : documents;

    /// <summary>Whether a dotted path is absent, a scalar, or passes through an array in documents of <paramref name="type"/>.</summary>
    private static Kind PathKind(Type type, string path)
    {
        var current = type;
        var array = false;
        foreach (var segment in path.Split('.'))
        {
            if (!BsonClassMap.IsClassMapRegistered(current))
            {
                return Kind.Missing;
            }

            var map = BsonClassMap.LookupClassMap(current);
            var member = segment == "_id" ? map.IdMemberMap : map.AllMemberMaps.FirstOrDefault(m => m.ElementName == segment);
            if (member is null)
            {
                return Kind.Missing;
            }

            var memberType = Nullable.GetUnderlyingType(member.MemberType) ?? member.MemberType;
            if (memberType != typeof(string) && memberType != typeof(byte[]) && typeof(IEnumerable).IsAssignableFrom(memberType))
            {
                array = true;
                memberType = memberType.IsArray ? memberType.GetElementType()! : memberType.GetGenericArguments()[0];
            }

            current = memberType;
        }

        return array ? Kind.Array : Kind.Scalar;
    }
}

/// <summary>Index migrations decided from what the server lists, without a server.</summary>
public class IndexReconcileTests
{
    private static readonly PlannedIndex Claims = new("claims_unique", BsonDocument.Parse("{ claims: 1 }"), true, BsonDocument.Parse("{ claims: { $exists: true } }"));
    private static readonly PlannedIndex ByCoach = new("by_coach", BsonDocument.Parse("{ coach_id: 1, start_time: 1, _id: 1 }"), false, null);

    private static BsonDocument Listed(string name, string keys, bool unique = false, string? partial = null)
    {
        var index = new BsonDocument { { "v", 2 }, { "key", BsonDocument.Parse(keys) }, { "name", name } };
        if (unique)
        {
            index["unique"] = true;
        }

        if (partial is not null)
        {
            index["partialFilterExpression"] = BsonDocument.Parse(partial);
        }

        return index;
    }

    [Fact]
    public void EmptyCollection_BuildsEverything_ButNeverTouchesId()
    {
        var changes = IndexPlan.Reconcile([Listed("_id_", "{ _id: 1 }")], [Claims, ByCoach]);

        Assert.Empty(changes.Drop);
        Assert.Equal(["claims_unique", "by_coach"], changes.Create.Select(i => i.Name));
    }

    [Fact]
    public void IdenticalIndexes_AreLeftAlone()
    {
        var changes = IndexPlan.Reconcile(
            [Listed("_id_", "{ _id: 1 }"), Listed("claims_unique", "{ claims: 1 }", true, "{ claims: { $exists: true } }"), Listed("by_coach", "{ coach_id: 1, start_time: 1, _id: 1 }")],
            [Claims, ByCoach]);

        Assert.Empty(changes.Drop);
        Assert.Empty(changes.Create);
    }

    [Fact]
    public void ChangedDefinition_IsDroppedAndRebuilt_UnplannedIsDropped()
    {
        // The old cohort index over two arrays, an index whose keys changed order, and one that lost its uniqueness.
        var changes = IndexPlan.Reconcile(
            [
                Listed("_id_", "{ _id: 1 }"),
                Listed("teaching", "{ coach_ids: 1, 'sessions.start': 1 }"),
                Listed("by_coach", "{ start_time: 1, coach_id: 1, _id: 1 }"),
                Listed("claims_unique", "{ claims: 1 }", false, "{ claims: { $exists: true } }"),
            ],
            [Claims, ByCoach]);

        Assert.Equal(["teaching", "by_coach", "claims_unique"], changes.Drop);
        Assert.Equal(["claims_unique", "by_coach"], changes.Create.Select(i => i.Name));
    }
}
