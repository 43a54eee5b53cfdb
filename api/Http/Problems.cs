using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Common;
using Retail.Faults;

namespace Retail.Api.Http;

/// <summary>Every refusal becomes RFC 9457 problem details with a stable <c>code</c>, here and nowhere else.</summary>
public static class Problems
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.ValidationFailed => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound or ErrorCodes.UnknownSku or ErrorCodes.UnknownStore => StatusCodes.Status404NotFound,
        ErrorCodes.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.UnsupportedVatRate or ErrorCodes.PaymentMismatch => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status409Conflict,
    };

    /// <summary>How long a till should wait before it retries a request answered <c>unavailable</c>.</summary>
    public const int RetryAfterSeconds = 1;

    public static ProblemHttpResult Unavailable(string detail) => Of(new DomainError(ErrorCodes.Unavailable, detail));

    /// <summary>
    /// Runs for every problem written through the problem details service, whoever produced it, so
    /// every <c>unavailable</c> carries Retry-After.
    /// </summary>
    public static void AddRetryAfter(ProblemDetailsContext problem)
    {
        if (problem.ProblemDetails.Extensions.TryGetValue("code", out var code) && code as string == ErrorCodes.Unavailable)
            problem.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The problem of a refusal, typed so that handlers declare <c>Results&lt;..., ProblemHttpResult&gt;</c>.</summary>
    public static ProblemHttpResult Of(DomainError error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Field is not null)
            extensions["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Detail] };
        return TypedResults.Problem(
            statusCode: StatusOf(error.Code),
            title: Title(error.Code),
            detail: error.Detail,
            type: $"https://retail-orleans.dev/problems/{error.Code.Replace('_', '-')}",
            extensions: extensions);
    }

    public static ProblemHttpResult Validation(string field, string detail) => Of(new DomainError(ErrorCodes.ValidationFailed, detail, field));

    public static ProblemHttpResult NotFound(string what) => Of(new DomainError(ErrorCodes.NotFound, $"{what} was not found."));

    private static string Title(string code) => code switch
    {
        ErrorCodes.ValidationFailed => "The request is not valid",
        ErrorCodes.NotFound => "Not found",
        ErrorCodes.UnknownSku => "Unknown SKU",
        ErrorCodes.UnknownStore => "Unknown store",
        ErrorCodes.IdempotencyConflict => "This id was already used for a different request",
        ErrorCodes.InsufficientStock => "Not enough stock available",
        ErrorCodes.StaleQuantity => "The stock changed since it was read",
        ErrorCodes.Unauthorized => "Authentication required",
        ErrorCodes.Forbidden => "Not allowed for this key",
        ErrorCodes.PayloadTooLarge => "The request body is too large",
        ErrorCodes.RateLimited => "Too many requests for this key",
        ErrorCodes.Unavailable => "The service is unavailable for a moment; retry the same request",
        _ => code.Replace('_', ' '),
    };

    /// <summary>
    /// Turns what the framework throws for a bad body (malformed JSON, a wrong field type, too large)
    /// into a problem, and a transient cluster or database failure into 503 <c>unavailable</c>;
    /// anything else is a bug: a 500 without internals (the middleware has logged it).
    /// </summary>
    public static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Of(new DomainError(ErrorCodes.PayloadTooLarge, $"A request body is at most {RequestLimits.MaxBodyBytes} bytes.")),
            BadHttpRequestException { InnerException: NotPlainTextException text } =>
                Validation(FieldOf(text.Path), text.Message),
            BadHttpRequestException { InnerException: JsonException json } =>
                Validation(FieldOf(json.Path), "The value is malformed or of the wrong type."),
            BadHttpRequestException bad =>
                Of(new DomainError(ErrorCodes.ValidationFailed, bad.Message)),
            not null when TransientFaults.IsTransient(exception) => LoggedUnavailable(context, exception),
            _ => Results.Problem(statusCode: 500, title: "Internal error",
                detail: "The request failed inside the service; it has been logged.",
                extensions: new Dictionary<string, object?> { ["code"] = "internal_error" }),
        };
        await result.ExecuteAsync(context);
    }

    /// <summary>Transient failures are expected during a failover: a warning here instead of the middleware's error.</summary>
    public static bool IsExpected(ExceptionHandlerSuppressDiagnosticsContext handled) => TransientFaults.IsTransient(handled.Exception);

    private static IResult LoggedUnavailable(HttpContext context, Exception exception)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Problems))
            .LogWarning("{Method} {Path} answered unavailable: {Error}", context.Request.Method, context.Request.Path, exception.Message);
        return Unavailable("A silo or the database is unavailable for a moment; retry the same request.");
    }

    /// <summary>"$.items[0].price" -> "items[0].price"; the whole body when the path is unknown.</summary>
    public static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body" : JsonNamingPolicy.CamelCase.ConvertName(jsonPath.TrimStart('$', '.'));
}

public static class RequestLimits
{
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>An import file (50 MB) plus its multipart framing.</summary>
    public const long MaxImportBodyBytes = Imports.ImportTable.MaxBytes + 64 * 1024;

    public static long MaxBodyBytesFor(PathString path) =>
        path.StartsWithSegments("/api/v1/imports") ? MaxImportBodyBytes : MaxBodyBytes;
}
