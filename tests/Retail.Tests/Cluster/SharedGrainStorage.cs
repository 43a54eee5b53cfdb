using System.Collections.Concurrent;
using Orleans.Storage;

namespace Retail.Tests.Cluster;

/// <summary>
/// Grain storage that outlives any one test silo, the way a database does: the silos of a test
/// cluster share it, so killing a silo loses only what a real crash would lose.
/// </summary>
public sealed class SharedGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> rows = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (rows.TryGetValue((stateName, grainId), out var row))
        {
            grainState.State = (T)row.State;
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        // Deep copy through the JSON form, so a later in-memory change never leaks into the "database".
        var copy = System.Text.Json.JsonSerializer.Deserialize<T>(System.Text.Json.JsonSerializer.Serialize(grainState.State))!;
        lock (rows)
        {
            if (rows.TryGetValue(key, out var existing) ? existing.ETag != grainState.ETag : grainState.ETag is not null)
                throw new InconsistentStateException("ETag mismatch", existing.ETag ?? "", grainState.ETag ?? "");
            rows[key] = (copy!, etag);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        rows.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
