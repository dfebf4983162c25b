using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace WeComSuccession.Api;

/// <summary>
/// The admin REST API under <c>/api/v1</c> for integrators and the dashboard: departures and their items,
/// retry, re-assignment, approval, registered successors and the audit log. Every call needs an API key
/// (<see cref="ApiKeyAuthenticationHandler"/>); every change is audited with the key's name as the actor.
/// Errors are problem details: 400 names the field, 404, 409 when the departure is not in the state asked for.
/// </summary>
internal static class AdminApi
{
    public const string Policy = "AdminApi";
    public const string Prefix = "/api";

    public static IHostApplicationBuilder AddAdminApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
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
        builder.Services.AddSingleton<DepartureStore>();
        builder.Services.AddSingleton<SuccessorStore>();
        // The engine registers the wake-up with its own services; until then (and in any order) one is enough.
        return builder;
    }

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        var api = app.MapGroup(Prefix + "/v1").RequireAuthorization(Policy).ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapDeparturesApi();
        api.MapSuccessorsApi();
        api.MapAuditApi();
        api.MapTriggersApi();
        return app;
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

/// <summary>
/// Problem details for everything under <c>/api</c> that no handler answered: unreadable input, unknown
/// routes, and (without details) unexpected errors. Added as a startup filter so that Program.cs stays one
/// line per feature; other paths keep the host's own error handling.
/// </summary>
internal sealed class AdminApiErrors : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(AdminApi.Prefix),
            api => api
                .UseExceptionHandler(new ExceptionHandlerOptions
                {
                    StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
                    // A client's bad input is not a server error; the framework logs it at Debug already.
                    SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
                })
                .UseStatusCodePages());
        next(app);
    };
}

/// <summary>A page of a list, 1-based.</summary>
internal sealed record PageDto<T>(int Page, int PageSize, long Total, IReadOnlyList<T> Items);

/// <summary>Problem details for the admin API: 400 always names the request field at fault.</summary>
internal static class ApiResults
{
    public const int MaxPageSize = 200;
    public const int MaxUserIdLength = 64;

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> From<T>(StoreResult<T> result) => result.Error switch
    {
        null => TypedResults.Ok(result.Value!),
        { Field: { } field } error => Invalid(field, error.Detail),
        var error => TypedResults.Problem(detail: error.Detail, statusCode: error.Status),
    };

    /// <returns>The first problem with the paging parameters, or null.</returns>
    public static ValidationProblem? CheckPaging(int page, int pageSize)
    {
        if (page < 1)
        {
            return Invalid("page", "page starts at 1.");
        }

        return pageSize is < 1 or > MaxPageSize ? Invalid("pageSize", $"pageSize must be between 1 and {MaxPageSize}.") : null;
    }

    /// <returns>A problem when <paramref name="value"/> is set and not one of <paramref name="allowed"/>.</returns>
    public static ValidationProblem? CheckOneOf(string field, string? value, IReadOnlyCollection<string> allowed) =>
        value is null || allowed.Contains(value) ? null : Invalid(field, $"{field} must be one of: {string.Join(", ", allowed)}.");

    /// <returns>A problem when <paramref name="value"/> is empty or longer than a WeCom userid.</returns>
    public static ValidationProblem? CheckUserId(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > MaxUserIdLength
            ? Invalid(field, $"{field} must be a member's userid (1 to {MaxUserIdLength} characters).")
            : null;
}
