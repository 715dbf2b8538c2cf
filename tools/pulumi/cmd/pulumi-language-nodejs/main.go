// pulumi-language-nodejs: the Node.js language host the Pulumi engine starts to run a program.
//
// Pulumi's own host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the Go module proxy this project builds from, and the newest host still shipped inside
// github.com/pulumi/pulumi/sdk/v3 (v3.68.0) takes the Pulumi.yaml runtime options as command-line
// flags, which engine v3.248 no longer passes (tools/pulumi/README.md has the details). So this is a
// small host of our own, written against the LanguageRuntime service of sdk/v3 v3.248.0
// (proto/pulumi/language.proto) after reading Pulumi's host (sdk/nodejs/cmd/pulumi-language-nodejs/
// main.go in github.com/pulumi/pulumi). It does what `pulumi preview/up/refresh/destroy` need:
//
//   - Run: starts `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor … <entry point>` in the program
//     directory, the stack config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS, the `typescript` and
//     `tsconfig` options as PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH: the arguments and
//     variables `@pulumi/pulumi/cmd/run` reads (its index.js and run.js).
//   - GetRequiredPackages: the resource-plugin packages (`"pulumi": {"resource": true}` in a
//     package.json) in the node_modules folders Node would search from the program directory.
//   - Handshake, GetPluginInfo, Cancel.
//
// Not implemented (the engine answers them with a clear "unimplemented" error): InstallDependencies
// (`pulumi install`; run `npm ci`), About and GetProgramDependencies (`pulumi about`), program
// generation, RunPlugin (plugins written in Node.js), and the synchronous-invoke pipes of Pulumi's
// host (`--sync`; @pulumi/pulumi then makes invokes asynchronously).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/shlex"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// hostVersion is reported by GetPluginInfo; set at build time (tools/pulumi/engine.cjs).
var hostVersion = "0.0.0-dev"

// @pulumi/pulumi's exit code for "the program already told the user what went wrong" (cmd/run/index.js).
const exitAfterUserActionableMessage = 32

func main() {
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (accepted, not used)")
	flag.String("runtime", "nodejs", "only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(hostVersion)
		return
	}

	// The engine passes its own gRPC address as the last argument.
	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if engineAddress != "" {
		// Exit when the engine goes away, so no host outlives a killed `pulumi`.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Second, stop); err != nil {
			fail(fmt.Errorf("engine health check: %w", err))
		}
	}

	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()
	host := &nodeHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fail(fmt.Errorf("could not start the language host: %w", err))
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(err)
	}
	host.cancelRunning()
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	running       map[*exec.Cmd]struct{}
}

func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: hostVersion}, nil
}

// Cancel stops a running program the way a user's Ctrl-C would: SIGINT to node.
func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelRunning()
	return &emptypb.Empty{}, nil
}

func (h *nodeHost) cancelRunning() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = cmd.Process.Signal(os.Interrupt)
		}
	}
}

// options are the Pulumi.yaml `runtime.options` this host understands; `typescript` defaults to true,
// as in Pulumi's host.
type options struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	opts := options{typescript: true}
	if info.GetOptions() == nil {
		return opts, nil
	}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, errors.New("runtime option typescript must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := raw["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option tsconfig must be a string")
		}
		opts.tsconfig = s
	}
	if v, ok := raw["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option nodeargs must be a string")
		}
		args, err := shlex.Split(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs: %w", err)
		}
		opts.nodeargs = args
	}
	if v, ok := raw["packagemanager"]; ok {
		if s, _ := v.(string); s != "" && s != "npm" && s != "auto" {
			return opts, fmt.Errorf("runtime option packagemanager %q: this host runs npm installs only", s)
		}
	}
	return opts, nil
}

// resolveModule asks node where a module is, from the program directory (Node's own resolution).
func resolveModule(ctx context.Context, nodeBin, dir, module string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q))", module)
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		detail := err.Error()
		var exit *exec.ExitError
		if errors.As(err, &exit) && len(exit.Stderr) > 0 {
			detail = strings.TrimSpace(string(exit.Stderr))
		}
		return "", fmt.Errorf("cannot find %s from %s (run npm ci): %s", module, dir, detail)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program info (engine older than this host)"}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH"}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = resolveModule(ctx, nodeBin, info.GetProgramDirectory(), runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	config, err := json.Marshal(orEmptyMap(req.GetConfig()))
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(orEmptyList(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	cmd := exec.Command(nodeBin, args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	// The engine shows the host's output as the program's.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd, true)
	err = cmd.Wait()
	h.track(cmd, false)
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() == exitAfterUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("running node: %v", err)}, nil
}

func (h *nodeHost) track(cmd *exec.Cmd, running bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running == nil {
		h.running = map[*exec.Cmd]struct{}{}
	}
	if running {
		h.running[cmd] = struct{}{}
	} else {
		delete(h.running, cmd)
	}
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func orEmptyList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// GetRequiredPackages lists the resource plugins the program's npm packages declare
// (`"pulumi": {"resource": true, "name"?, "version"?, "server"?}` in their package.json), looking in
// every node_modules folder Node would search from the program directory up to the project root.
func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	info := req.GetInfo()
	dir, err := filepath.Abs(info.GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	root := info.GetRootDirectory()
	var packages []*pulumirpc.PackageDependency
	seen := map[string]bool{}
	for {
		found, err := resourcePackagesIn(filepath.Join(dir, "node_modules"))
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			if !seen[p.Name] {
				seen[p.Name] = true
				packages = append(packages, p)
			}
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			break
		}
		dir = parent
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePackagesIn reads node_modules/<pkg>/package.json and node_modules/@scope/<pkg>/package.json.
func resourcePackagesIn(nodeModules string) ([]*pulumirpc.PackageDependency, error) {
	entries, err := os.ReadDir(nodeModules)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(nodeModules, e.Name()))
			if err != nil {
				continue
			}
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(nodeModules, e.Name(), s.Name()))
			}
		} else if !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, filepath.Join(nodeModules, e.Name()))
		}
	}
	var packages []*pulumirpc.PackageDependency
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var pkg packageJSON
		if json.Unmarshal(raw, &pkg) != nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			// Pulumi's convention: @pulumi/aws → plugin "aws"; other scopes must name their plugin.
			if !strings.HasPrefix(pkg.Name, "@pulumi/") {
				return nil, fmt.Errorf("%s: a resource package outside @pulumi/ must set pulumi.name", pkg.Name)
			}
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		version := pkg.Pulumi.Version
		if version == "" {
			version = pkg.Version
		}
		if version != "" && !strings.HasPrefix(version, "v") {
			version = "v" + version
		}
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: version, Server: pkg.Pulumi.Server,
		})
	}
	return packages, nil
}
