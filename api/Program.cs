using Retail.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddRetailApi(demo: args.Contains("--demo"));
var app = builder.Build();
app.UseRetailApi();
app.Run();

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
