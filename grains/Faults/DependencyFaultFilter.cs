using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Retail.Common;

namespace Retail.Faults;

/// <summary>
/// Replaces, at the silo's edge, an exception that could not cross the wire (an NpgsqlException has
/// no codec; the caller would only see a CodecNotFoundException) with one that can: a transient
/// database or network fault becomes <see cref="DependencyUnavailableException"/>, anything else
/// unserializable a plain <see cref="InvalidOperationException"/>. Grain code is untouched.
/// </summary>
public sealed class DependencyFaultFilter(Serializer serializer, ILogger<DependencyFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception error) when (TransientFaults.ForTheWire(error, serializer.CanSerialize) is { } replacement)
        {
            if (replacement is DependencyUnavailableException)
                logger.LogWarning(error, "{Grain}.{Method} failed on a dependency; answering unavailable", context.TargetId, context.MethodName);
            else
                logger.LogError(error, "{Grain}.{Method} failed with an exception that cannot be serialized", context.TargetId, context.MethodName);
            throw replacement;
        }
    }
}
