using System.Data.Common;
using System.Net.Sockets;
using Npgsql;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Retail.Common;

namespace Retail.Faults;

/// <summary>
/// Which failures are transient (the same request may succeed in a moment: a silo died, an
/// activation is moving, PostgreSQL is restarting) and which exceptions must be replaced before
/// they leave a silo because no codec can carry them. Pure: no I/O, no state.
/// </summary>
public static class TransientFaults
{
    /// <summary>
    /// SQL states that mean "the server or the connection, not the statement": class 08 connection
    /// exceptions, class 53 insufficient resources, class 58 system errors, operator intervention
    /// (shutdown, starting up, statement timeout), and the conflicts a retry resolves.
    /// </summary>
    private static readonly string[] TransientSqlStateClasses = ["08", "53", "58"];

    private static readonly HashSet<string> TransientSqlStates = new(StringComparer.Ordinal)
    {
        "57P01", // admin_shutdown: the server is stopping
        "57P02", // crash_shutdown
        "57P03", // cannot_connect_now: the server is starting
        "57014", // query_canceled: a statement or lock timeout
        "40001", // serialization_failure
        "40P01", // deadlock_detected
        "55P03", // lock_not_available
    };

    /// <summary>True when the failure, or one it was caused by, is a dependency or the cluster being away for now.</summary>
    public static bool IsTransient(Exception error) => Chain(error).Any(IsTransientItself);

    public static bool IsTransientSqlState(string? sqlState) =>
        sqlState is { Length: 5 } &&
        (TransientSqlStates.Contains(sqlState) || TransientSqlStateClasses.Contains(sqlState[..2]));

    /// <summary>
    /// What a silo should send instead of <paramref name="error"/>, or null when it may cross the
    /// wire as it is. Database and network faults become <see cref="DependencyUnavailableException"/>
    /// when transient; any other exception that a codec cannot carry (a refused statement, a
    /// third-party type) becomes a plain <see cref="InvalidOperationException"/>, which the API
    /// reports as the bug it is.
    /// </summary>
    public static Exception? ForTheWire(Exception error, Func<Type, bool> hasCodec)
    {
        var chain = Chain(error).ToList();
        if (chain.Any(IsDependencyFault))
        {
            if (IsTransient(error))
                return new DependencyUnavailableException($"A dependency is unavailable for now: {Describe(chain.First(IsDependencyFault))}");
            return new InvalidOperationException($"A dependency refused the request: {Describe(chain.First(IsDependencyFault))}");
        }
        if (chain.All(e => hasCodec(e.GetType())))
            return null;
        return new InvalidOperationException($"{Describe(error)} (replaced: {chain.First(e => !hasCodec(e.GetType())).GetType().FullName} has no codec)");
    }

    private static bool IsTransientItself(Exception error) => error switch
    {
        DependencyUnavailableException => true,
        // The target silo died or is shutting down, a message was rejected, a connection dropped.
        OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException => true,
        // A grain call that got no response in time, or a client-side timeout (Npgsql's included).
        TimeoutException or OperationCanceledException => true,
        // Sent by an older silo or for an exception the filter did not see (an activation failing).
        CodecNotFoundException => true,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql is PostgresException { SqlState: var state } && IsTransientSqlState(state),
        SocketException => true,
        IOException and not (FileNotFoundException or DirectoryNotFoundException) => true,
        // A plain OrleansException from the client when its gateways went away.
        OrleansException when error.GetType() == typeof(OrleansException) && error.Message.Contains("gateway", StringComparison.OrdinalIgnoreCase) => true,
        // An activation registered in the grain directory just as membership declared its silo dead (seen in a fault run).
        OrleansException when error.GetType() == typeof(OrleansException) && error.Message.Contains("on invalid silo", StringComparison.Ordinal) => true,
        _ => false,
    };

    private static bool IsDependencyFault(Exception error) => error is DbException or SocketException or IOException;

    private static string Describe(Exception error) => error switch
    {
        PostgresException pg => $"PostgreSQL {pg.SqlState}: {pg.MessageText}",
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    /// <summary>The exception and everything it was caused by, aggregates opened.</summary>
    private static IEnumerable<Exception> Chain(Exception error)
    {
        var pending = new Stack<Exception>();
        pending.Push(error);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                    pending.Push(inner);
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
