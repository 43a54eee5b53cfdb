using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Registers;

namespace Retail.Api.Access;

public sealed record IssueApiKeyRequest(ApiRole? Role, IReadOnlyList<string>? StoreIds, IReadOnlyList<string>? RegisterIds);

/// <summary>A key as listed: everything but its token, which is shown only once.</summary>
public sealed record ApiKeyView(string Id, ApiRole Role, IReadOnlyList<string> StoreIds, IReadOnlyList<string> RegisterIds, DateTimeOffset CreatedAt)
{
    public static ApiKeyView Of(ApiKey key) => new(key.Id, key.Role, key.StoreIds, key.RegisterIds, key.CreatedAt);
}

/// <summary>A newly issued key with its token: the only time the token is ever shown.</summary>
public sealed record IssuedApiKey(string Id, string Token, ApiRole Role, IReadOnlyList<string> StoreIds, IReadOnlyList<string> RegisterIds, DateTimeOffset CreatedAt);

/// <summary>Scoped API keys, issued and revoked by admins (API.md, "Authentication").</summary>
public static class ApiKeysApi
{
    public const int MaxScopeEntries = 1000;

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/api-keys").WithTags("API keys").AdminOnly();
        api.MapPost("", IssueKey).WithName("IssueApiKey").WithSummary("Issue a scoped API key; its token is shown only in this answer")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("", ListKeys).WithName("ListApiKeys").WithSummary("All API keys, without their tokens");
        api.MapGet("/{id}", GetKey).WithName("GetApiKey").WithSummary("One API key, without its token")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{id}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revoke an API key: it stops working within seconds")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static IApiKeyDirectoryGrain Directory(IGrainFactory grains) =>
        grains.Get<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory);

    private static async Task<Results<Created<IssuedApiKey>, ProblemHttpResult>> IssueKey(
        IssueApiKeyRequest request, IGrainFactory grains, KnownCatalog known, TimeProvider clock)
    {
        var storeIds = (request.StoreIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        var registerIds = (request.RegisterIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        var error = Validation.Required(request.Role, "role") ?? ScopeError(request.Role!.Value, storeIds, registerIds);
        for (var i = 0; error is null && i < storeIds.Count; i++)
            error = await known.CheckStoreAsync(storeIds[i]) is { } refused ? refused with { Field = $"storeIds[{i}]" } : null;
        for (var i = 0; error is null && i < registerIds.Count; i++)
            error = Validation.Key(registerIds[i], $"registerIds[{i}]")
                ?? (await grains.Get<IRegisterGrain>(GrainKeys.Register(registerIds[i])).GetAsync() is null
                    ? new DomainError(ErrorCodes.NotFound, $"Register {registerIds[i]} is not registered.", $"registerIds[{i}]")
                    : null);
        if (error is not null)
            return Problems.Of(error);

        var token = ApiKeyTokens.NewToken();
        var key = new ApiKey(ApiKeyTokens.NewId(), request.Role!.Value, storeIds, registerIds, clock.GetUtcNow(), ApiKeyTokens.Hash(token));
        var issued = await Directory(grains).IssueAsync(key);
        if (issued.Error is { } conflict)
            return Problems.Of(conflict);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new IssuedApiKey(key.Id, token, key.Role, key.StoreIds, key.RegisterIds, key.CreatedAt));
    }

    private static async Task<Ok<List<ApiKeyView>>> ListKeys(IGrainFactory grains) =>
        TypedResults.Ok((await Directory(grains).ListAsync()).Select(ApiKeyView.Of).ToList());

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> GetKey(string id, IGrainFactory grains) =>
        (await Directory(grains).ListAsync()).FirstOrDefault(k => k.Id == id) is { } key
            ? TypedResults.Ok(ApiKeyView.Of(key))
            : Problems.Of(new DomainError(ErrorCodes.NotFound, $"API key {id} was not found."));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, IGrainFactory grains, ApiCallers callers)
    {
        if (!Identifiers.IsValidClientId(id) || await Directory(grains).RevokeAsync(id) is not { } revoked)
            return Problems.Of(new DomainError(ErrorCodes.NotFound, $"API key {id} was not found."));
        callers.Forget(revoked);
        return TypedResults.NoContent();
    }

    /// <summary>Managers and integrations act for stores, cashiers for registers, admins for everything.</summary>
    private static DomainError? ScopeError(ApiRole role, List<string> storeIds, List<string> registerIds)
    {
        if (storeIds.Count > MaxScopeEntries || registerIds.Count > MaxScopeEntries)
            return new DomainError(ErrorCodes.ValidationFailed, $"A key is scoped to at most {MaxScopeEntries} stores or registers.",
                storeIds.Count > MaxScopeEntries ? "storeIds" : "registerIds");
        return role switch
        {
            ApiRole.Admin when storeIds.Count > 0 || registerIds.Count > 0 =>
                new DomainError(ErrorCodes.ValidationFailed, "An admin key has no scope: leave out storeIds and registerIds.", storeIds.Count > 0 ? "storeIds" : "registerIds"),
            ApiRole.Manager or ApiRole.Integration when storeIds.Count == 0 =>
                new DomainError(ErrorCodes.ValidationFailed, $"A {ApiAccess.Name(role)} key names the stores it acts for.", "storeIds"),
            ApiRole.Manager or ApiRole.Integration when registerIds.Count > 0 =>
                new DomainError(ErrorCodes.ValidationFailed, $"A {ApiAccess.Name(role)} key is scoped by storeIds only.", "registerIds"),
            ApiRole.Cashier when registerIds.Count == 0 =>
                new DomainError(ErrorCodes.ValidationFailed, "A cashier key names the registers it works on.", "registerIds"),
            ApiRole.Cashier when storeIds.Count > 0 =>
                new DomainError(ErrorCodes.ValidationFailed, "A cashier key is scoped by registerIds; it reads the stock of their stores.", "storeIds"),
            _ => null,
        };
    }
}
