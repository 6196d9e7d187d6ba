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

    /// <summary>Inserts <paramref name="claims"/> for the owner; false as soon as one is already held (the caller abandons its transaction).</summary>
    public static async Task<bool> TryInsertAsync(SqliteConnection connection, SqliteTransaction transaction, Owner owner, string ownerId,
        IEnumerable<string> claims, CancellationToken ct)
    {
        using var insert = connection.Command($"INSERT INTO claims (claim, {Column(owner)}) VALUES ($claim, $owner)", transaction);
        var claim = insert.Parameters.AddWithValue("$claim", string.Empty);
        insert.Parameters.AddWithValue("$owner", ownerId);
        try
        {
            foreach (var key in claims)
            {
                claim.Value = key;
                await insert.ExecuteNonQueryAsync(ct);
            }
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
