using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>
/// Keeps booking documents small. A change pushes its history event (and the invite it emitted) in the booking's single-document
/// write; once a document holds <see cref="Trigger"/> events, a follow-up copies all but the newest <see cref="Kept"/> events and
/// invites to <c>booking_records</c> (upserts by derived id) and then trims the document in one update pinned to the version and
/// the archived counts it read, so a change or another follow-up in between makes it a no-op. A crash between the two leaves
/// records beyond the document's counts, which reads ignore and the next follow-up writes again with the same content.
/// </summary>
public static class BookingArchive
{
    /// <summary>History events and invites a booking document keeps after a follow-up.</summary>
    public const int Kept = 8;

    /// <summary>The number of history events in a document that starts a follow-up.</summary>
    public const int Trigger = 2 * Kept;

    private static readonly FilterDefinitionBuilder<BookingDocument> B = Builders<BookingDocument>.Filter;
    private static readonly FilterDefinitionBuilder<BookingRecordDocument> R = Builders<BookingRecordDocument>.Filter;

    public static IReadOnlyList<CreateIndexModel<BookingRecordDocument>> Indexes { get; } =
    [
        new(Builders<BookingRecordDocument>.IndexKeys.Ascending("booking_id").Ascending("kind").Ascending("seq"),
            new CreateIndexOptions { Name = "by_booking" }),
    ];

    /// <summary>Whether a document, as a write returned it, is due a follow-up.</summary>
    public static bool IsDue(BookingDocument document) => document.History.Count >= Trigger;

    /// <summary>A follow-up's two steps for <paramref name="document"/>, read whole (invites included).</summary>
    public static (IReadOnlyList<BookingRecordDocument> Records, FilterDefinition<BookingDocument> Filter, UpdateDefinition<BookingDocument> Trim)
        Plan(BookingDocument document)
    {
        var (events, invites, records) = Overflow(document);
        var filter = BookingQueries.AtVersion(document.Id, document.Version)
            & B.Eq(d => d.HistoryArchived, document.HistoryArchived) & B.Eq(d => d.InvitesArchived, document.InvitesArchived);
        var trim = Builders<BookingDocument>.Update
            .Set(d => d.History, [.. document.History.Skip(events)])
            .Set(d => d.Invites, [.. document.Invites.Skip(invites)])
            .Inc(d => d.HistoryArchived, events)
            .Inc(d => d.InvitesArchived, invites);
        return (records, filter, trim);
    }

    /// <summary>
    /// What a follow-up would leave of a whole document (all history and invites inline, nothing archived yet): the records of all but
    /// the newest <see cref="Kept"/> events and invites, and what the document keeps. For writing a document that never lived here.
    /// </summary>
    public static (IReadOnlyList<BookingRecordDocument> Records, (List<BookingEventDocument> History, List<InviteDocument> Invites, int HistoryArchived, int InvitesArchived) Kept)
        Split(BookingDocument whole)
    {
        var (events, invites, records) = Overflow(whole);
        return (records, ([.. whole.History.Skip(events)], [.. whole.Invites.Skip(invites)], events, invites));
    }

    // The events and invites beyond the newest Kept, as records numbered after those the document already counts.
    private static (int Events, int Invites, List<BookingRecordDocument> Records) Overflow(BookingDocument document)
    {
        var events = Math.Max(0, document.History.Count - Kept);
        var invites = Math.Max(0, document.Invites.Count - Kept);
        var records = document.History.Take(events).Select((e, i) => BookingRecordDocument.Of(document.Id, document.HistoryArchived + i, e))
            .Concat(document.Invites.Take(invites).Select((v, i) => BookingRecordDocument.Of(document.Id, document.InvitesArchived + i, v)))
            .ToList();
        return (events, invites, records);
    }

    /// <summary>The archived records of <paramref name="kind"/> that the documents count, in one query.</summary>
    public static FilterDefinition<BookingRecordDocument> Archived(IEnumerable<string> bookingIds, string kind) =>
        R.In(d => d.BookingId, bookingIds) & R.Eq(d => d.Kind, kind);

    /// <summary>
    /// Gives each document its full history: its archived events (only those its count covers, in order) before its own.
    /// Called once per document read.
    /// </summary>
    public static void Restore(IEnumerable<BookingDocument> documents, IEnumerable<BookingRecordDocument> records)
    {
        var byBooking = records.Where(r => r.Event is not null).ToLookup(r => r.BookingId, StringComparer.Ordinal);
        foreach (var document in documents.Where(d => d.HistoryArchived > 0))
        {
            var archived = byBooking[document.Id].Where(r => r.Seq < document.HistoryArchived).DistinctBy(r => r.Seq).OrderBy(r => r.Seq)
                .Select(r => r.Event!).ToList();
            if (archived.Count != document.HistoryArchived)
            {
                throw new InvalidOperationException(
                    $"Booking {document.Id} counts {document.HistoryArchived} archived events but {archived.Count} were found.");
            }

            document.History = [.. archived, .. document.History];
        }
    }

    /// <summary>All invites of a document: the archived ones its count covers, then its own.</summary>
    public static List<InviteDocument> AllInvites(BookingDocument document, IEnumerable<BookingRecordDocument> records) =>
        [.. records.Where(r => r.Invite is not null && r.Seq < document.InvitesArchived).DistinctBy(r => r.Seq).OrderBy(r => r.Seq)
            .Select(r => r.Invite!), .. document.Invites];
}
