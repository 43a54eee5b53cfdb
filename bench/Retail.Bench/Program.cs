using Retail.Bench;

try
{
    var options = BenchOptions.Parse(args);
    if (options.Flag("help") || options.Mode == "help")
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    return options.Mode switch
    {
        "movements" => await MovementsScenario.RunAsync(options),
        "receipts" => await ReceiptsScenario.RunAsync(options),
        "replay" => await ReplayScenario.RunAsync(options),
        "ledger" => await LedgerScenario.RunAsync(options),
        "forecast" => await ForecastScenario.RunAsync(options),
        "sheet" => await SheetScenario.RunAsync(options),
        "grains" => await GrainsScenario.RunAsync(options),
        "reactivate" => await ReactivateScenario.RunAsync(options),
        "shutdown" => await ShutdownScenario.RunAsync(options),
        _ => throw new UsageException($"Unknown mode '{options.Mode}'."),
    };
}
catch (UsageException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
