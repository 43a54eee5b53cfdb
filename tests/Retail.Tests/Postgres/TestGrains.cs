using System.Collections.Concurrent;

namespace Retail.Tests.Postgres;

/// <summary>A shelf count persisted through the ADO.NET grain storage.</summary>
public interface IShelfTallyGrain : IGrainWithStringKey
{
    Task<TallyView> Add(int quantity);
    Task<TallyView> Read();
    Task<TallyView> Clear();
}

[GenerateSerializer, Immutable]
public sealed record TallyView(
    [property: Id(0)] int Quantity,
    [property: Id(1)] string? ETag,
    [property: Id(2)] bool RecordExists);

public sealed class ShelfTally
{
    public int Quantity { get; set; }
}

public sealed class ShelfTallyGrain(
    [PersistentState(ShelfTallyGrain.StateName, PostgresSilo.TallyStorage)] IPersistentState<ShelfTally> tally)
    : Grain, IShelfTallyGrain
{
    // Unique per grain class: the storage row is keyed by state name, not by grain class.
    public const string StateName = "shelf-tally";

    public async Task<TallyView> Add(int quantity)
    {
        tally.State.Quantity += quantity;
        await tally.WriteStateAsync();
        return View();
    }

    public Task<TallyView> Read() => Task.FromResult(View());

    public async Task<TallyView> Clear()
    {
        await tally.ClearStateAsync();
        return View();
    }

    private TallyView View() => new(tally.State.Quantity, tally.Etag, tally.RecordExists);
}

/// <summary>A grain whose durable reminder records each tick.</summary>
public interface IRestockReminderGrain : IGrainWithStringKey
{
    Task Schedule(TimeSpan dueTime, TimeSpan period);
    Task Cancel();
}

public sealed class RestockReminderGrain : Grain, IRestockReminderGrain, IRemindable
{
    public const string ReminderName = "restock";

    // Static so ticks survive deactivation; keyed by grain key so tests do not interfere.
    public static readonly ConcurrentDictionary<string, int> Ticks = new();

    public async Task Schedule(TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task Cancel()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }
}
