using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Retail.Orleans.Catalog;

namespace Retail.Orleans.Api.Operations;

/// <summary>Ready = the cluster answers a grain call and, in the PostgreSQL mode, the database answers a query.</summary>
public sealed class ClusterReadiness(IGrainFactory grains, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IChainGrain>("chain").StoreIdsAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception error)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", error);
        }
        if (services.GetService<NpgsqlDataSource>() is { } database)
        {
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
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
