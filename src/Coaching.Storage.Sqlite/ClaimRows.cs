using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// Rows of the one <c>claims</c> table, owned by a booking or a cohort. Its primary key is the no-overlap guarantee for every
/// kind of commitment; these helpers run inside the caller's transaction.
/// </summary>
internal static class ClaimRows
{
    /// <summary>The owner columns a claim can have.</summary>
    public enum Owner
    {
        Booking,
        Cohort,
    }

    /// <summary>
    /// Inserts <paramref name="claims"/> for the owner in one statement; false when any is already held (the statement then
    /// inserts none, and the caller abandons its transaction or savepoint).
    /// </summary>
    public static async Task<bool> TryInsertAsync(SqliteConnection connection, SqliteTransaction transaction, Owner owner, string ownerId,
        IEnumerable<string> claims, CancellationToken ct)
    {
        using var insert = connection.Command($"INSERT INTO claims (claim, {Column(owner)}) SELECT value, $owner FROM json_each($claims)", transaction)
            .With("$owner", ownerId).With("$claims", JsonSerializer.Serialize(claims));
        try
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException e) when (e.IsUniqueViolation())
        {
            return false;
        }

        return true;
    }

    /// <summary>Deletes every claim of the owner.</summary>
    public static async Task ReleaseAsync(SqliteConnection connection, SqliteTransaction transaction, Owner owner, string ownerId, CancellationToken ct)
    {
        using var release = connection.Command($"DELETE FROM claims WHERE {Column(owner)} = $owner", transaction).With("$owner", ownerId);
        await release.ExecuteNonQueryAsync(ct);
    }

    private static string Column(Owner owner) => owner == Owner.Booking ? "booking_id" : "cohort_id";
}
