using Retail.Api;

// --demo is a switch, not a setting: left in the arguments, the configuration would take the next
// argument as its value ("--demo --urls http://..." would lose the --urls).
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(arg => arg != "--demo").ToArray());
builder.AddRetailApi(demo);
var app = builder.Build();
app.UseRetailApi();
app.Run();

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
