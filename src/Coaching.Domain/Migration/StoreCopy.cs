namespace Coaching.Domain.Migration;

/// <summary>
/// Copies a whole store into another, kind by kind in key order, a page at a time. Each page is written idempotently and then
/// its last key recorded in the target, so a copy stopped at any point (a crash, Ctrl+C, a lost connection) resumes after the
/// last recorded page and re-running a finished copy writes nothing new. Ends by comparing what both stores hold.
/// </summary>
public sealed class StoreCopy(IMigrationSource source, IMigrationTarget target, int pageSize = 500)
{
    /// <summary>Copies everything, reporting each page; the comparison says whether the stores now agree.</summary>
    /// <exception cref="MigrationRefusedException">The source has log entries not yet planned, or the target holds other data.</exception>
    public async Task<IReadOnlyList<MigrationComparison>> RunAsync(IProgress<MigrationProgress> progress, CancellationToken cancellationToken)
    {
        if (await source.UnplannedLogEntriesAsync(cancellationToken) is var unplanned and > 0)
        {
            throw new MigrationRefusedException(
                $"{unplanned} event log entries have not been fanned out into deliveries yet. Start the server on this database until " +
                "its outbox is drained (coaching health shows the outbox), stop it, and run the copy again.");
        }

        if (await target.HoldsForeignDataAsync(cancellationToken))
        {
            throw new MigrationRefusedException(
                "The target database already holds data that no copy from here wrote. Copy into a new, empty database.");
        }

        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            await CopyAsync(kind, progress, cancellationToken);
        }

        return await CompareAsync(cancellationToken);
    }

    /// <summary>Both stores' counts of every kind, and their claims.</summary>
    public async Task<IReadOnlyList<MigrationComparison>> CompareAsync(CancellationToken cancellationToken)
    {
        var comparisons = new List<MigrationComparison>();
        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            comparisons.Add(new(kind.ToString(), await source.CountAsync(kind, cancellationToken), await target.CountAsync(kind, cancellationToken)));
        }

        var (held, copied) = (await source.ClaimsAsync(cancellationToken), await target.ClaimsAsync(cancellationToken));
        comparisons.Add(new("Claims", held.Count, copied.Count, held == copied));
        return comparisons;
    }

    private async Task CopyAsync(MigrationKind kind, IProgress<MigrationProgress> progress, CancellationToken cancellationToken)
    {
        var total = await source.CountAsync(kind, cancellationToken);
        var after = await target.ResumePointAsync(kind, cancellationToken);
        var resumed = after is not null;
        long copied = 0;
        progress.Report(new(kind, copied, total, resumed, Done: false));
        while (true)
        {
            var page = await source.ReadAsync(kind, after, pageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            await target.WriteAsync(kind, page, cancellationToken);
            after = page[^1].Key;
            copied += page.Sum(item => (long)item.Rows);
            progress.Report(new(kind, copied, total, resumed, Done: false));
        }

        progress.Report(new(kind, copied, total, resumed, Done: true));
    }
}

/// <summary>Where a copy of one kind is: rows copied in this run of <see cref="Total"/>; <see cref="Resumed"/> when an earlier run had begun it.</summary>
public sealed record MigrationProgress(MigrationKind Kind, long Copied, long Total, bool Resumed, bool Done);

/// <summary>What both stores hold of one kind; <see cref="Same"/> also covers the content where a digest compares it.</summary>
public sealed record MigrationComparison(string What, long Source, long Target, bool SameContent = true)
{
    /// <summary>Whether both stores hold the same.</summary>
    public bool Same => Source == Target && SameContent;
}

/// <summary>A copy that must not start, with the reason and what to do.</summary>
public sealed class MigrationRefusedException(string message) : Exception(message);
