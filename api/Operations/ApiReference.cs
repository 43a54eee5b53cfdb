using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Retail.Access;
using Retail.Api.Access;
using Scalar.AspNetCore;

namespace Retail.Api.Operations;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, with the bearer scheme, who may call each
/// operation and the problem details every refusal carries; and an interactive reference at <c>/scalar</c>.
/// </summary>
public static class ApiReference
{
    public const string BearerScheme = "bearer";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["API keys"] = "Scoped keys for managers, cashiers and integrations; admins issue and revoke them.",
        ["Master data"] = "Stores and SKUs: names, tax settings, units, VAT rates, prices and recipes.",
        ["Stock"] = "Stock levels, manual movements, their history, and live changes.",
        ["Registers"] = "Cash registers with an emulated fiscal drive: shifts, receipts, reports and the OFD outbox.",
    };

    public static IServiceCollection AddRetailOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Retail.Orleans API",
                    Version = "v1",
                    Description = "Real-time stock, master data and fiscal registers of a store chain. Every `/api` call sends " +
                                  "`Authorization: Bearer <token>`; refusals are `application/problem+json` with a stable `code`.",
                };
                // The generator takes the server from the request, with a trailing slash that linters refuse.
                foreach (var server in document.Servers ?? [])
                    server.Url = server.Url?.TrimEnd('/');
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                    tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The admin token from Retail:Auth:AdminToken, or the token of a key issued at POST /api/v1/api-keys.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var isApi = context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
                operation.Security = isApi
                    ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
                    : [];
                if (isApi)
                    operation.Description = Join(operation.Description, "Access: " + Access(context.Description.ActionDescriptor.EndpointMetadata) + ".");
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
                {
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    schema.Properties["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "Stable, machine-readable: validation_failed, not_found, unknown_sku, unauthorized, forbidden, rate_limited, ...",
                    };
                    schema.Properties["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object | JsonSchemaType.Null,
                        Description = "The fields at fault, each with its messages.",
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    };
                }
                return Task.CompletedTask;
            });
        });

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("Retail.Orleans API"));
        return app;
    }

    /// <summary>"admin; manager (its stores); cashier (its registers' stores)" from an endpoint's access metadata.</summary>
    public static string Access(IEnumerable<object> metadata)
    {
        var list = metadata.ToList();
        var roles = list.OfType<AllowedRoles>().LastOrDefault()?.Roles ?? new HashSet<ApiRole>();
        var byStore = list.OfType<StoreScope>().Any();
        var byRegister = list.OfType<RegisterScope>().Any();
        string Scoped(ApiRole role) => ApiAccess.Name(role) + (role, byStore, byRegister) switch
        {
            (_, false, false) => "",
            (ApiRole.Cashier, true, false) => " (the stores of its registers)",
            (_, true, false) => " (its stores)",
            (_, false, true) => " (its registers)",
            _ => " (its stores and registers)",
        };
        return string.Join("; ", roles.Where(r => r != ApiRole.Admin).Order().Select(Scoped).Prepend("admin"));
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}\n\n{second}";
}
