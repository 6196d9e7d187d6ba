using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// A connection of <see cref="SqliteDatabase"/>'s own pool. It is opened once, with its pragmas, and disposing it hands it back
/// open; it keeps the statements its commands compiled, so a query the store runs again is bound and stepped, not parsed and
/// planned again (compiling was a fifth of a booking's CPU). Commands come from <see cref="Rent"/>, through
/// <see cref="SqliteCommands.Command"/>; disposing one hands it back with its compiled statement.
/// </summary>
internal sealed class PooledConnection(string connectionString, ConnectionPool pool) : SqliteConnection(connectionString)
{
    /// <summary>Distinct SQL texts a connection keeps compiled; the store has far fewer, so this only bounds a mistake.</summary>
    private const int MaxStatements = 256;

    private readonly Dictionary<string, ReusableCommand> _commands = new(StringComparer.Ordinal);
    private int _rented; // cached commands handed out and not yet handed back
    private bool _retired;

    /// <summary>A command for <paramref name="sql"/>: the compiled one when it is free, otherwise a new one.</summary>
    public SqliteCommand Rent(string sql, SqliteTransaction? transaction)
    {
        if (_commands.TryGetValue(sql, out var cached) && !cached.InUse)
        {
            cached.InUse = true;
            cached.Transaction = transaction;
            _rented++;
            return cached;
        }

        var command = new ReusableCommand(sql, this) { Transaction = transaction, InUse = true };
        if (cached is null && _commands.Count < MaxStatements)
        {
            _commands.Add(sql, command);
            _rented++;
        }
        else
        {
            command.Retire(); // in use twice at once, or too many texts: an ordinary command, disposed for real
        }

        return command;
    }

    /// <summary>True when the connection can serve the next lease as it is: open, no transaction, every command handed back.</summary>
    public bool IsReusable => !_retired && _rented == 0 && State == System.Data.ConnectionState.Open && Transaction is null;

    /// <summary>Closes the connection for good, with its compiled statements.</summary>
    public void Retire()
    {
        _retired = true;
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_retired && pool.TryReturn(this))
        {
            return;
        }

        _retired = true;
        foreach (var command in _commands.Values)
        {
            command.Retire();
        }

        _commands.Clear();
        base.Dispose(disposing);
    }

    /// <summary>
    /// A command whose disposal keeps its compiled statement for the next lease (until retired), and its parameter objects: a
    /// lease sets their values again (<see cref="Set"/>) instead of adding new ones (a <see cref="SqliteParameter"/> per value per
    /// statement was 3.9 of the 34 KB a booking allocated).
    /// </summary>
    internal sealed class ReusableCommand(string sql, PooledConnection connection) : SqliteCommand(sql, connection)
    {
        private bool _retired;
        private int _cursor; // where the next Set looks first: a lease sets the parameters in the order the last one did

        public bool InUse { get; set; }

        /// <summary>Sets the value of the parameter <paramref name="name"/>, reusing its object from an earlier lease.</summary>
        public void Set(string name, object value)
        {
            var parameters = Parameters;
            var index = _cursor < parameters.Count && string.Equals(parameters[_cursor].ParameterName, name, StringComparison.Ordinal)
                ? _cursor
                : parameters.IndexOf(name);
            if (index < 0)
            {
                parameters.AddWithValue(name, value);
                _cursor = parameters.Count;
                return;
            }

            parameters[index].Value = value;
            _cursor = index + 1;
        }

        public void Retire()
        {
            _retired = true;
            InUse = false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_retired)
            {
                // The values go, the objects stay. A parameter the next lease does not set is unset, not stale: binding one
                // without a value throws, as a missing one does.
                foreach (SqliteParameter parameter in Parameters)
                {
                    parameter.Value = null;
                }

                _cursor = 0;
                Transaction = null;
                if (InUse)
                {
                    InUse = false;
                    connection._rented--;
                }

                return;
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>The idle connections of one database, kept open for the next lease.</summary>
internal sealed class ConnectionPool
{
    /// <summary>Idle connections kept; more than the busiest moment needs closes on return.</summary>
    private const int MaxIdle = 64;

    private readonly ConcurrentBag<PooledConnection> _idle = [];
    private int _idleCount;
    private volatile bool _closed;

    public bool TryTake(out PooledConnection? connection)
    {
        if (_idle.TryTake(out connection))
        {
            Interlocked.Decrement(ref _idleCount);
            return true;
        }

        return false;
    }

    public bool TryReturn(PooledConnection connection)
    {
        if (_closed || !connection.IsReusable)
        {
            return false;
        }

        if (Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            return false;
        }

        _idle.Add(connection);
        if (_closed)
        {
            Close(); // closed while this one was coming back
        }

        return true;
    }

    /// <summary>Closes every idle connection; connections handed back later close too.</summary>
    public void Close()
    {
        _closed = true;
        while (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Retire();
        }
    }
}
