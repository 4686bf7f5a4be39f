#include "gl_program.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

// One compiled shader object, deleted when the program no longer needs it.
class Shader {
public:
    explicit Shader(GLenum type) : name_(glCreateShader(type)) {}
    Shader(const Shader&) = delete;
    Shader& operator=(const Shader&) = delete;
    ~Shader() { glDeleteShader(name_); }
    GLuint get() const { return name_; }

private:
    GLuint name_;
};

std::string info_log(GLuint object, bool program) {
    GLint length = 0;
    program ? glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length)
            : glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
    std::vector<char> text(static_cast<std::size_t>(std::max(length, 1)), '\0');
    program ? glGetProgramInfoLog(object, length, nullptr, text.data())
            : glGetShaderInfoLog(object, length, nullptr, text.data());
    return text.data();
}

std::unique_ptr<Shader> compile(GLenum type, const std::string& source, const std::string& what) {
    auto shader = std::make_unique<Shader>(type);
    const GLuint name = shader->get();
    if (name == 0) {
        throw Error("glCreateShader failed for " + what);
    }
    const char* text = source.c_str();
    glShaderSource(name, 1, &text, nullptr);
    glCompileShader(name);
    GLint ok = GL_FALSE;
    glGetShaderiv(name, GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) {
        throw Error("compiling " + what + " failed: " + info_log(name, false));
    }
    return shader;
}

}  // namespace

GlProgram::GlProgram(const std::string& name, const std::string& vertex_source,
                     const std::string& fragment_source)
    : name_(name) {
    const auto vertex = compile(GL_VERTEX_SHADER, vertex_source, "the vertex shader of " + name);
    const auto fragment =
        compile(GL_FRAGMENT_SHADER, fragment_source, "the fragment shader of " + name);
    program_ = glCreateProgram();
    if (program_ == 0) {
        throw Error("glCreateProgram failed for " + name);
    }
    glAttachShader(program_, vertex->get());
    glAttachShader(program_, fragment->get());
    glLinkProgram(program_);
    GLint ok = GL_FALSE;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (ok != GL_TRUE) {
        const std::string log = info_log(program_, true);
        glDeleteProgram(program_);
        throw Error("linking " + name + " failed: " + log);
    }
}

GlProgram::~GlProgram() {
    glDeleteProgram(program_);
}

GLint GlProgram::uniform(const char* uniform_name) const {
    const GLint location = glGetUniformLocation(program_, uniform_name);
    if (location < 0) {
        throw Error(name_ + " has no active uniform " + uniform_name);
    }
    return location;
}

}  // namespace fbx::gl
