using Coaching.Domain.Bookings;
using Coaching.Storage.Mongo.Bookings;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>Booking documents stay small: old history events and invites move to <c>booking_records</c>, and reads put them back.</summary>
public class BookingArchiveTests
{
    static BookingArchiveTests() => MongoMappings.Register();

    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static BookingEventDocument Event(int i) => BookingEventDocument.From(
        new BookingEvent(BookingState.Confirmed, "users/ann", T0 + Duration.FromMinutes(i), "rescheduled", T0, $"r{i}#f"));

    private static InviteDocument Invite(int i) => new() { Ordinal = i, Method = 1, Sequence = i, Uid = "u", Content = [(byte)i], CreateTime = T0.ToDateTimeUtc() };

    private static BookingDocument Document(int firstEvent, int events, int firstInvite, int invites) => new()
    {
        Id = "b1", Version = 40, HistoryArchived = firstEvent, InvitesArchived = firstInvite,
        History = [.. Enumerable.Range(firstEvent, events).Select(Event)],
        Invites = [.. Enumerable.Range(firstInvite, invites).Select(Invite)],
    };

    private static BsonDocument Render<T>(UpdateDefinition<T> update) =>
        update.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    [Fact]
    public void AChange_PushesItsOneEvent_RatherThanRewritingTheHistory()
    {
        var first = new BookingEvent(BookingState.Pending, "users/ann", T0, "", null, "r1#f");
        var last = new BookingEvent(BookingState.Confirmed, "users/ada", T0 + Duration.FromHours(1), "", null);
        var booking = BookingMappingTests.Sample() with { History = [first, last], Version = 2 };

        var transition = Render(BookingQueries.Transition(booking, null));
        var move = Render(BookingQueries.Move(booking, ["c1|1"], null));

        foreach (var update in new[] { transition, move })
        {
            Assert.False(update["$set"].AsBsonDocument.Contains("history"));
            Assert.Equal("users/ada", update["$push"]["history"]["actor"].AsString);
        }
    }

    [Fact]
    public void FollowUp_IsDueAtTheTrigger_AndKeepsTheNewestEntries()
    {
        Assert.False(BookingArchive.IsDue(Document(0, BookingArchive.Trigger - 1, 0, 3)));
        Assert.True(BookingArchive.IsDue(Document(0, BookingArchive.Trigger, 0, 3)));

        var (records, filter, trim) = BookingArchive.Plan(Document(8, 20, 3, 11));
        var update = Render(trim);

        // 20 events keep the newest 8: the 12 oldest (positions 8..19 of the whole history) become records; likewise 3 invites.
        Assert.Equal([.. Enumerable.Range(8, 12)], records.Where(r => r.Kind == BookingRecordDocument.HistoryKind).Select(r => r.Seq));
        Assert.Equal([3, 4, 5], records.Where(r => r.Kind == BookingRecordDocument.InviteKind).Select(r => r.Seq));
        Assert.Equal("b1/history/000000008", records[0].Id);
        Assert.Equal("r8#f", records[0].Event!.RequestId);
        Assert.Equal(BookingArchive.Kept, update["$set"]["history"].AsBsonArray.Count);
        Assert.Equal("r20#f", update["$set"]["history"][0]["request_id"].AsString);
        Assert.Equal(6, update["$set"]["invites"][0]["ordinal"].AsInt32);
        Assert.Equal(BsonDocument.Parse("{ history_archived: 12, invites_archived: 3 }"), update["$inc"].AsBsonDocument);

        // Pinned to what was read: a change (version) or another follow-up (counts) in between makes the trim a no-op.
        var rendered = Render(filter);
        Assert.Equal((40L, 8, 3), (rendered["version"].AsInt64, rendered["history_archived"].AsInt32, rendered["invites_archived"].AsInt32));
        Assert.Equal("b1", rendered["_id"].AsString);
    }

    [Fact]
    public void Reads_RestoreTheWholeHistory_IgnoringRecordsOfAnUnfinishedFollowUp()
    {
        var whole = Enumerable.Range(0, 30).Select(Event).ToList();
        var trimmed = Document(0, 30, 0, 0);
        var written = new List<BookingRecordDocument>();

        // Repeated follow-ups, each written twice (as two servers racing would), until the document is within bounds.
        while (BookingArchive.IsDue(trimmed))
        {
            var (records, _, _) = BookingArchive.Plan(trimmed);
            written.AddRange(records.Concat(records));
            var moved = records.Count(r => r.Event is not null);
            trimmed = Document(trimmed.HistoryArchived + moved, trimmed.History.Count - moved, 0, 0);
        }

        // A follow-up that wrote its records and crashed before trimming: records beyond the document's count.
        var crashed = Document(trimmed.HistoryArchived, trimmed.History.Count, 0, 0);
        written.Add(BookingRecordDocument.Of("b1", trimmed.HistoryArchived, Event(trimmed.HistoryArchived)));
        written.Add(BookingRecordDocument.Of("other", 0, Event(99)));

        BookingArchive.Restore([crashed], written.Select(r => BsonSerializer.Deserialize<BookingRecordDocument>(r.ToBsonDocument())));

        Assert.Equal(22, trimmed.HistoryArchived);
        Assert.Equal(whole.Select(e => e.RequestId), crashed.History.Select(e => e.RequestId));
        Assert.Equal(whole.Select(e => e.ToDomain()), crashed.History.Select(e => e.ToDomain()));
    }

    [Fact]
    public void Reads_RefuseAHistoryWithMissingRecords_RatherThanShowAGap()
    {
        var document = Document(5, 8, 0, 0);

        Assert.Throws<InvalidOperationException>(() => BookingArchive.Restore([document], [BookingRecordDocument.Of("b1", 0, Event(0))]));
    }

    [Fact]
    public void Invites_ArchivedAndKept_ListInOrder()
    {
        var document = Document(0, 0, 4, 3);
        var records = Enumerable.Range(0, 5).Select(i => BookingRecordDocument.Of("b1", i, Invite(i))).ToList();

        Assert.Equal([0, 1, 2, 3, 4, 5, 6], BookingArchive.AllInvites(document, records).Select(i => i.Ordinal));
    }

    [Fact]
    public void Record_HasStableElementNames()
    {
        var bson = BookingRecordDocument.Of("b1", 3, Event(3)).ToBsonDocument();

        Assert.Equal(["_id", "booking_id", "kind", "seq", "event"], bson.Names);
        Assert.Contains("history_archived", Document(0, 1, 0, 0).ToBsonDocument().Names);
    }
}
