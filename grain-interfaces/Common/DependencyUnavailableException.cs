namespace Retail.Common;

/// <summary>
/// A dependency (PostgreSQL, the network to it) is away for now. Grains throw it, and the silo turns
/// database and I/O faults into it, because their own exception types have no codec and cannot
/// cross the wire. The API answers it with 503 <c>unavailable</c> and Retry-After; the same request
/// may be retried as is. It carries a plain message and never the original exception.
/// </summary>
[GenerateSerializer, Alias("DependencyUnavailableException")]
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException()
        : base("A dependency of the service is unavailable for now.")
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }
}
