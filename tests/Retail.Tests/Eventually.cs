namespace Retail.Tests;

/// <summary>Polls something fed by asynchronous messages until it holds, with a deadline (no fixed sleeps).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> holds, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var value = await read();
        while (!holds(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            value = await read();
        }
        return value;
    }
}
