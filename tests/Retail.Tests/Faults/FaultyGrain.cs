using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace Retail.Tests.Faults;

/// <summary>A grain that fails as planned per key (what each call throws, in order) and then answers.</summary>
public interface IFaultyGrain : IGrainWithStringKey
{
    Task<string> CallAsync();
}

public sealed class FaultyGrain : Grain, IFaultyGrain
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Func<Exception>>> Plans = new();
    private static readonly ConcurrentDictionary<string, int> CallCounts = new();

    /// <summary>The next calls of grain <paramref name="key"/> throw these, one each, and the calls after answer.</summary>
    public static string Plan(params Func<Exception>[] failures)
    {
        var key = Guid.NewGuid().ToString("N");
        Plans[key] = new ConcurrentQueue<Func<Exception>>(failures);
        return key;
    }

    public static int Calls(string key) => CallCounts.GetValueOrDefault(key);

    public static Exception DatabaseAway() =>
        new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    public static Exception RefusedStatement() =>
        new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505");

    public Task<string> CallAsync()
    {
        var key = this.GetPrimaryKeyString();
        CallCounts.AddOrUpdate(key, 1, (_, count) => count + 1);
        if (Plans.TryGetValue(key, out var plan) && plan.TryDequeue(out var failure))
            throw failure();
        return Task.FromResult("answered " + key);
    }
}
