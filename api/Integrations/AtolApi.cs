using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Retail.Api.Access;
using Retail.Catalog;
using Retail.Common;
using Retail.Faults;
using Retail.Integrations;
using Retail.Registers;

namespace Retail.Api.Integrations;

/// <summary>
/// ATOL Online's cloud-register protocol, v4 and v5, for shop plugins written for it: <c>getToken</c>, the receipt
/// operations on a group (an emulated register of a store in the key's scope) and <c>report</c>. Every answer is the
/// protocol's JSON, errors included: an <c>error</c> object with an integer code, whatever the HTTP status.
/// </summary>
public static class AtolApi
{
    /// <summary>Before a store is known, times are the protocol's home zone.</summary>
    private const string ServiceZone = "Europe/Moscow";

    public static IEndpointRouteBuilder MapAtolApi(this IEndpointRouteBuilder routes)
    {
        var protocol = routes.MapGroup("/possystem/{version:regex(^v[45]$)}").WithTags("ATOL-compatible fiscalization");
        protocol.MapPost("/getToken", PostToken).WithName("AtolGetToken").WithSummary("A 24-hour token for an integration key (login = key id, pass = its token)")
            .Answers(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status415UnsupportedMediaType);
        protocol.MapGet("/getToken", GetToken).WithName("AtolGetTokenByQuery").WithSummary("The same, with login and pass in the query")
            .Answers(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized);
        protocol.MapPost("/{group}/{operation}", PostReceipt).WithName("AtolReceipt")
            .WithSummary("Fiscalize a web shop's receipt (sell, sell_refund, sell_correction); idempotent by external_id")
            .Answers(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        protocol.MapGet("/{group}/report/{uuid}", GetReport).WithName("AtolReport").WithSummary("The receipt's state and, once done, its fiscal data")
            .Answers(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    /// <summary>Every answer is the protocol's JSON: 200 and these statuses, each with an <c>error</c> object.</summary>
    private static RouteHandlerBuilder Answers(this RouteHandlerBuilder endpoint, params int[] failures)
    {
        endpoint.Produces(StatusCodes.Status200OK, contentType: "application/json");
        foreach (var status in failures)
            endpoint.Produces(status, contentType: "application/json");
        return endpoint;
    }

    // The version is in every route (v4 and v5 answer alike); it is bound so that each operation declares it.
    private static async Task<IResult> PostToken(string version, HttpContext http, AtolTokens tokens, TimeProvider clock)
    {
        var body = await ReadAsync(http);
        if (body.Error is { } refused)
            return refused;
        return await TokenAsync(body.Json?["login"] is JsonValue l && l.GetValueKind() == JsonValueKind.String ? l.GetValue<string>() : null,
            body.Json?["pass"] is JsonValue p && p.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : null, tokens, clock);
    }

    private static Task<IResult> GetToken(string version, string? login, string? pass, AtolTokens tokens, TimeProvider clock) => TokenAsync(login, pass, tokens, clock);

    private static async Task<IResult> TokenAsync(string? login, string? pass, AtolTokens tokens, TimeProvider clock)
    {
        var now = Now(clock, ServiceZone);
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(pass))
            return Refuse(StatusCodes.Status400BadRequest, AtolProtocol.TokenRequestInvalid, "Ошибочные поля (wrong fields): login, pass", now);
        return await Guarded(now, async () => await tokens.IssueAsync(login, pass) is { } token
            ? Answer(StatusCodes.Status200OK, new JsonObject { ["error"] = null, ["token"] = token, ["timestamp"] = now })
            : Refuse(StatusCodes.Status401Unauthorized, AtolProtocol.WrongLoginOrPassword, "Неверный логин или пароль (wrong login or password).", now));
    }

    private static async Task<IResult> PostReceipt(string version, string group, string operation, HttpContext http, AtolTokens tokens,
        IGrainFactory grains, TimeProvider clock, IOptions<WebhookOptions> webhooks)
    {
        var now = Now(clock, ServiceZone);
        if (!AtolRequests.Known.Contains(operation))
            return Refuse(StatusCodes.Status400BadRequest, AtolProtocol.UnsupportedOperation, $"Операция \"{operation}\" не поддерживается (not supported).", now);
        return await Guarded(now, async () =>
        {
            var (register, store, denied) = await GroupAsync(http, group, tokens, grains, clock);
            if (denied is not null)
                return denied;
            now = Now(clock, store?.TimeZone ?? ServiceZone);
            if (AtolRequests.Operation(operation) is null)
                return Refuse(StatusCodes.Status400BadRequest, AtolProtocol.UnsupportedOperation,
                    $"Операция \"{operation}\" не поддерживается: a store's register sells and refunds sales, it does not buy.", now);
            var body = await ReadAsync(http);
            if (body.Error is { } unreadable)
                return unreadable;
            var read = AtolRequests.Read(body.Json, version, operation, group, webhooks.Value.AllowPrivateTargets);
            if (read.Problem is { } problem)
                return Refuse(StatusCodes.Status400BadRequest, AtolProtocol.InvalidReceipt, problem, now);
            if (store is not null && read.CompanyInn != store.Inn)
                return Refuse(StatusCodes.Status400BadRequest, AtolProtocol.InvalidReceipt,
                    $"Ошибочные поля (wrong fields): company.inn ({read.CompanyInn} is not the INN of store {store.StoreId})", now);

            var request = read.Request!;
            var uuid = CloudReceipts.Uuid(group, request.ExternalId);
            var outcome = await grains.Get<ICloudReceiptGrain>(GrainKeys.CloudReceipt(uuid)).SubmitAsync(request);
            if (outcome.Error is { Code: ErrorCodes.IdempotencyConflict })
                return Answer(StatusCodes.Status400BadRequest, new JsonObject
                {
                    ["uuid"] = uuid, ["timestamp"] = now, ["status"] = CloudReceiptStatus.Wait,
                    ["error"] = AtolProtocol.Error(AtolProtocol.ExternalIdExists,
                        $"Документ с external_id {request.ExternalId} и group_code {group} уже существует (with other content); its uuid is {uuid}."),
                });
            if (outcome.Error is { } error)
                return error.Code == ErrorCodes.Unavailable ? Unavailable(now) : Refuse(StatusCodes.Status400BadRequest, AtolProtocol.InvalidReceipt, error.Detail, now);
            var answer = new JsonObject { ["uuid"] = uuid, ["timestamp"] = now, ["error"] = null, ["status"] = CloudReceiptStatus.Wait };
            if (read.CallbackWarning is { } warning)
                answer["warnings"] = new JsonObject { ["callback_url"] = warning };
            return Answer(StatusCodes.Status200OK, answer);
        });
    }

    private static async Task<IResult> GetReport(string version, string group, string uuid, HttpContext http, AtolTokens tokens, IGrainFactory grains,
        TimeProvider clock, IOptions<CloudRegisterOptions> options)
    {
        var now = Now(clock, ServiceZone);
        return await Guarded(now, async () =>
        {
            var (_, store, denied) = await GroupAsync(http, group, tokens, grains, clock);
            if (denied is not null)
                return denied;
            var receipt = Guid.TryParse(uuid, out _) ? await grains.Get<ICloudReceiptGrain>(GrainKeys.CloudReceipt(uuid.ToLowerInvariant())).GetAsync() : null;
            if (receipt is null || receipt.RegisterId != group)
                return Answer(StatusCodes.Status400BadRequest, new JsonObject
                {
                    ["uuid"] = uuid, ["timestamp"] = Now(clock, store?.TimeZone ?? ServiceZone), ["status"] = CloudReceiptStatus.Fail, ["payload"] = null,
                    ["error"] = AtolProtocol.Error(AtolProtocol.UnknownUuid, $"Передан некорректный UUID: no receipt {uuid} in group {group}."),
                });
            return Answer(StatusCodes.Status200OK, AtolProtocol.Report(receipt, options.Value, clock.GetUtcNow()));
        });
    }

    /// <summary>
    /// The register a token may fiscalize on: the token's key is an integration key of the register's store, and the
    /// register is an emulated one (a cloud register has no physical drive). Otherwise the protocol's error.
    /// </summary>
    private static async Task<(RegisterView? Register, Store? Store, IResult? Denied)> GroupAsync(HttpContext http, string group, AtolTokens tokens,
        IGrainFactory grains, TimeProvider clock)
    {
        var now = Now(clock, ServiceZone);
        var token = http.Request.Headers["Token"].ToString() is { Length: > 0 } header ? header : http.Request.Query["token"].ToString();
        var (caller, error) = await tokens.CheckAsync(token);
        if (caller is null)
            return (null, null, Refuse(StatusCodes.Status401Unauthorized, error,
                error == AtolProtocol.ExpiredToken ? "Срок действия токена истёк (the token expired): ask getToken for a new one."
                    : "Передан некорректный токен (send the Token header with a token from getToken).", now));
        var register = Identifiers.IsValidKey(group) ? await grains.Get<IRegisterGrain>(GrainKeys.Register(group)).GetAsync() : null;
        if (register is not { Mode: RegisterModes.Emulated } || !caller.MayUseStore(register.StoreId))
            return (null, null, Refuse(StatusCodes.Status401Unauthorized, AtolProtocol.GroupNotAllowed,
                $"Переданный group_code {group} не соответствует токену: not an emulated register of a store this key may use.", now));
        return (register, await grains.Get<IStoreGrain>(GrainKeys.Store(register.StoreId)).GetAsync(), null);
    }

    private sealed record Body(JsonNode? Json, IResult? Error);

    private static async Task<Body> ReadAsync(HttpContext http)
    {
        var now = Now(http.RequestServices.GetRequiredService<TimeProvider>(), ServiceZone);
        if (!http.Request.HasJsonContentType())
            return new Body(null, Refuse(StatusCodes.Status415UnsupportedMediaType, AtolProtocol.UnsupportedMediaType,
                "Content-Type must be application/json.", now));
        try
        {
            return new Body(await JsonNode.ParseAsync(http.Request.Body), null);
        }
        catch (JsonException error)
        {
            return new Body(null, Refuse(StatusCodes.Status400BadRequest, AtolProtocol.BadRequest, $"The body is not JSON: {error.Message}", now));
        }
        catch (BadHttpRequestException error)
        {
            return new Body(null, Refuse(error.StatusCode, AtolProtocol.BadRequest, error.Message, now));
        }
    }

    /// <summary>Runs a handler; a dependency away (the database, a silo) is the protocol's server error, 503 with Retry-After.</summary>
    private static async Task<IResult> Guarded(string now, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (Exception error) when (TransientFaults.IsTransient(error))
        {
            return Unavailable(now);
        }
    }

    private static IResult Unavailable(string now) => new RetryLater(Answer(StatusCodes.Status503ServiceUnavailable, new JsonObject
    {
        ["timestamp"] = now, ["status"] = CloudReceiptStatus.Fail,
        ["error"] = AtolProtocol.Error(AtolProtocol.ServerError, "The service is unavailable for a moment; send the same request again."),
    }));

    private sealed class RetryLater(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = Http.Problems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(http);
        }
    }

    private static IResult Refuse(int status, int code, string text, string now) => Answer(status, new JsonObject
    {
        ["error"] = AtolProtocol.Error(code, text), ["timestamp"] = now, ["status"] = CloudReceiptStatus.Fail,
    });

    private static IResult Answer(int status, JsonObject body) =>
        Results.Text(AtolProtocol.Json(body), "application/json; charset=utf-8", statusCode: status);

    private static string Now(TimeProvider clock, string zone) => AtolProtocol.Timestamp(clock.GetUtcNow(), AtolProtocol.Zone(zone));
}
