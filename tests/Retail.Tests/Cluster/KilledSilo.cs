using System.Reflection;

namespace Retail.Tests.Cluster;

/// <summary>
/// What a silo killed inside the test process leaves running. Stopped without its graceful steps, a
/// silo's grain directory keeps its membership loop: the membership stream it reads has ended, so the
/// loop starts it again at once, for ever, and every later test of the run shares the cores with it
/// (and with the collections its garbage causes). Stopping that one loop changes nothing the other
/// silos see: the killed silo stays as silent as a dead process.
/// </summary>
public static class KilledSilo
{
    private static readonly Type? Directory = Type.GetType("Orleans.Runtime.GrainDirectory.LocalGrainDirectory, Orleans.Runtime");

    public static Task StopLeftoversAsync(IServiceProvider services) => StopLeftoversAsync(LeftoversOf(services));

    /// <summary>What to stop once the silo is killed, taken while its services can still be resolved.</summary>
    public static object? LeftoversOf(IServiceProvider services) => Directory is null ? null : services.GetService(Directory);

    /// <summary>A test cluster's silo killed, and what it leaves running stopped.</summary>
    public static async Task KillAsync(global::Orleans.TestingHost.TestCluster cluster, global::Orleans.TestingHost.SiloHandle silo)
    {
        var leftovers = silo is global::Orleans.TestingHost.InProcessSiloHandle inProcess ? LeftoversOf(inProcess.SiloHost.Services) : null;
        await cluster.KillSiloAsync(silo);
        await StopLeftoversAsync(leftovers);
    }

    /// <summary>Also after a graceful stop of a test host: stopping an already stopped directory changes nothing.</summary>
    public static async Task StopLeftoversAsync(object? directory)
    {
        if (directory is null || Directory!.GetMethod("StopAsync", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not { } stop)
            return;
        try
        {
            await ((Task)stop.Invoke(directory, null)!).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception error) when (error is ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            // Already stopped, or it will not stop: the test goes on either way.
        }
    }
}
