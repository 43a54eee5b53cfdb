using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Retail.Catalog;
using Retail.Common;

namespace Retail.Api.Operations;

/// <summary>
/// Ready = the cluster answers a grain call and, in the PostgreSQL mode (co-hosted or client), the
/// database answers a query; each within <see cref="Timeout"/>, so readiness turns within seconds.
/// </summary>
public sealed class ClusterReadiness(IGrainFactory grains, IServiceProvider services, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.Get<IChainGrain>(GrainKeys.Chain).StoreIdsAsync().WaitAsync(Timeout, time, cancellationToken);
        }
        catch (Exception error)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", error);
        }
        if (services.GetService<NpgsqlDataSource>() is { } database)
        {
            using var timeout = new CancellationTokenSource(Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(linked.Token);
            }
            catch (Exception error)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", error);
            }
        }
        return HealthCheckResult.Healthy();
    }
}

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Operations");
        routes.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).WithTags("Operations");
        return routes;
    }
}
