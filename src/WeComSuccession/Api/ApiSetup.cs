using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;

namespace WeComSuccession.Api;

internal static class ApiSetup
{
    public static IHostApplicationBuilder AddAdminApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminApi.Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = NameTheBadInput);
        // Unreadable input (a non-numeric page, malformed JSON) fails before a handler runs; thrown, it reaches the
        // exception handler that AdminApiErrors puts in front of /api, which answers with problem details.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddTransient<IStartupFilter, AdminApiErrors>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WeComSuccession admin API";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.Header,
                Description = "One of the keys configured under Admin:ApiKeys.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] }];
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>The framework's message names the parameter; for JSON, the path inside the body is added.</summary>
    private static void NameTheBadInput(ProblemDetailsContext context)
    {
        if (context.Exception is BadHttpRequestException bad)
        {
            context.ProblemDetails.Detail = bad.InnerException is JsonException { Path: { } path } ? $"{bad.Message} (at {path})" : bad.Message;
        }
    }
}
