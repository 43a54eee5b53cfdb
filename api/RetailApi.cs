using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Npgsql;
using Orleans.Configuration;
using Retail.Api.Access;
using Retail.Api.Analytics;
using Retail.Api.Catalog;
using Retail.Api.Dashboard;
using Retail.Api.Documents;
using Retail.Api.Http;
using Retail.Api.Imports;
using Retail.Api.Integrations;
using Retail.Api.Operations;
using Retail.Api.Procurement;
using Retail.Api.Registers;
using Retail.Api.Stock;
using Retail.Hosting;

namespace Retail.Api;

/// <summary>The API host: co-hosts a silo by default, or joins an external cluster as a client.</summary>
public static class RetailApi
{
    public static WebApplicationBuilder AddRetailApi(this WebApplicationBuilder builder, bool demo = false)
    {
        var cluster = builder.Configuration.ReadSettings<RetailClusterOptions>();
        if (cluster.IsClient)
            builder.AddRetailClient(cluster);
        else
            builder.AddRetailSilo();

        builder.AddOrleansDashboard(cluster);

        var durable = cluster.IsClient || DatabaseConnection.ConnectionString(builder.Configuration) is not null;
        builder.Services.AddApiCallers(durable);
        builder.Services.AddSingleton<AtolTokens>();
        builder.Services.AddSingleton<KnownCatalog>();
        builder.Services.AddApiRateLimits();
        builder.Services.AddDashboard();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.AddRetryAfter);
        builder.Services.AddHealthChecks().AddCheck<ClusterReadiness>("cluster", tags: ["ready"]);
        builder.Services.AddRetailOpenApi();
        builder.AddRetailMetrics();
        if (demo)
            builder.Services.AddHostedService<DemoChain>();
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        json.Converters.Add(new PlainTextJson());
        json.NumberHandling = JsonNumberHandling.Strict;
    }

    public static WebApplication UseRetailApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = Problems.HandleExceptionAsync,
            SuppressDiagnosticsCallback = Problems.IsExpected,
        });
        app.UseStatusCodePages();
        app.Use(RejectOversizedBodies);
        app.Use(ApiAccess.AuthenticateAsync);
        app.UseRateLimiter();
        app.Use(ApiAccess.AuthorizeAsync);
        app.MapApiReference();
        app.MapHealthApi();
        app.MapRetailMetrics();
        app.MapAtolApi();
        app.MapDashboard();
        var api = app.MapApiGroup();
        app.UseOrleansDashboard(api);
        api.MapApiKeysApi();
        api.MapCallerApi();
        api.MapCatalogApi();
        api.MapStockApi();
        api.MapStockEventsApi();
        api.MapRegistersApi();
        api.MapReceiptQrApi();
        api.MapAnalyticsApi();
        api.MapProcurementApi();
        api.MapTransfersApi();
        api.MapCountsApi();
        api.MapOrdersApi();
        api.MapWebhooksApi();
        api.MapImportsApi();
        return app;
    }

    /// <summary>The group every /api endpoint is mapped on: its shared problem responses and the transient retry.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        api.AddEndpointFilter(TransientRetry.InvokeAsync);
        // Every /api endpoint may answer these, whoever declared it.
        api.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary>Refuses a declared oversized body up front (the server's own limit catches undeclared ones while reading).</summary>
    private static async Task RejectOversizedBodies(HttpContext context, RequestDelegate next)
    {
        var limit = RequestLimits.MaxBodyBytesFor(context.Request.Path);
        if (context.Request.ContentLength > limit)
        {
            await Problems.Of(new Common.DomainError(Common.ErrorCodes.PayloadTooLarge,
                $"A request body is at most {limit} bytes.")).ExecuteAsync(context);
            return;
        }
        if (limit != RequestLimits.MaxBodyBytes && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
        await next(context);
    }

    private static void AddRetailClient(this WebApplicationBuilder builder, RetailClusterOptions cluster)
    {
        var connectionString = DatabaseConnection.ConnectionString(builder.Configuration)
            ?? throw new InvalidOperationException("Client mode joins the PostgreSQL cluster: set ConnectionStrings__Retail.");
        builder.Services.AddSingleton(TimeProvider.System);
        // The API reads the integration settings too (where callbacks may go, what the cloud register answers).
        builder.Services.AddIntegrations();
        // Readiness asks PostgreSQL itself, not only the cluster.
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            client.UsePostgresGateways(connectionString);
            client.UseRetailTimeouts();
        });
    }
}
