using Retail.Faults;

namespace Retail.Api.Http;

/// <summary>
/// Runs a handler a second time, after a short pause, when it failed transiently (its silo died, its
/// activation is moving, PostgreSQL blinked). Safe for every /api endpoint: reads change nothing, and
/// every write carries the client's id, so a repeat is answered with the first result. A second
/// failure goes on to the exception handler as 503 <c>unavailable</c>.
/// </summary>
public static class TransientRetry
{
    /// <summary>Long enough for a rejected message to find the activation's new silo.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// <summary>Only a failure this quick is tried again: after a timeout a second try would make the till wait past 10 s.</summary>
    public static readonly TimeSpan RetryWithin = TimeSpan.FromSeconds(2);

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var time = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var started = time.GetTimestamp();
        try
        {
            return await next(context);
        }
        catch (Exception error) when (TransientFaults.IsTransient(error) && !http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted
                                      && time.GetElapsedTime(started) < RetryWithin)
        {
            await Task.Delay(Pause, time, http.RequestAborted);
            return await next(context);
        }
    }
}
